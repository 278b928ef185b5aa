from agenda.tests.conftest import places  # noqa: F401  (the demo's regions, for the browser test)
from recommendations.tests.conftest import english_content, fast_passwords  # noqa: F401  (the same for these tests)
