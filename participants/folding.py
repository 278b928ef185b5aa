"""Names folded for the door's search: a few letters typed in any alphabet find her.

Door staff type on their own phones, some with a Kyrgyz keyboard, some with
a Russian or Latin one, and names reach the list in Cyrillic or Latin as each
person writes hers. Folding reduces a name and what is typed to the same
Latin skeleton: "Айгүл", "Айгуль", "Aigul" and "Aygül" all read "aigul";
"Жылдыз", "Jyldyz" and "Zhyldyz" all read "jildiz".

The folds are one ordered list of replacements, applied after lower-casing.
The database applies them to a generated column (Participant.name_folded),
the door page's script applies the same list, sent with the page, to what is
typed when the phone is offline, and `fold` is the same in Python.
"""

from django.db.models import Value
from django.db.models.functions import Lower, Replace

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e", "ж": "j", "з": "z",
    "и": "i", "і": "i", "й": "i", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o",
    "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "u", "ұ": "u", "ф": "f", "х": "h",
    "һ": "h", "ц": "c", "ч": "c", "ш": "s", "щ": "s", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "u",
    "я": "a", "ә": "a",
}  # fmt: skip
# Latin letters of Turkic alphabets and their plain twins.
_LATIN = {"ü": "u", "ö": "o", "ñ": "n", "ş": "s", "ç": "c", "ğ": "g", "ı": "i", "q": "k", "'": "", "ʼ": "", "ʻ": ""}
# The ways Cyrillic letters are written in Latin, longest first, then "y",
# which stands for ы as often as for й.
_DIGRAPHS = [
    ("shch", "s"), ("zh", "j"), ("dj", "j"), ("kh", "h"), ("ch", "c"), ("sh", "s"), ("ts", "c"),
    ("yu", "u"), ("ya", "a"), ("yo", "e"), ("ye", "e"), ("y", "i"),
]  # fmt: skip

# Capitals too: a database whose locale is "C" lower-cases only ASCII letters.
_LETTERS = {**_CYRILLIC, **_LATIN}
FOLDS = [*((letter.upper(), plain) for letter, plain in _LETTERS.items() if letter.upper() != letter), *_LETTERS.items(), *_DIGRAPHS]


def fold(text):
    text = text.lower()
    for letters, replacement in FOLDS:
        text = text.replace(letters, replacement)
    return text


def folded(expression):
    """The database's `fold` of a text expression (immutable, so it can make a generated column)."""
    expression = Lower(expression)
    for letters, replacement in FOLDS:
        expression = Replace(expression, Value(letters), Value(replacement))
    return expression
