"""How long an organiser waits to import a long invitee list: the preview, then the confirmation.

    .venv/bin/python benchmarks/import_list.py [--rows 20000] [--profile]

Prepares the database dialogue_event_bench (an event, the districts the list names), writes two invitee lists
of --rows people each, as organisers send them:

  (x) an Excel file (.xlsx) with the English headers of the site's own example list;
  (c) a CSV file as Excel in Russian writes it: Windows-1251 (cp1251), ";" between cells, headers such as
      "ФИО", "Тел.", "Эл. почта", "Район".

and posts each to the admin's import page as a logged-in organiser, in this process (django.test.Client, DEBUG
off): the preview (every row checked, nothing saved), then the confirmation (everyone saved). It prints the
seconds of each request against the target: each must answer well within gunicorn's 30 s timeout. With
--profile it prints where the time of the Excel file's two requests goes (cProfile). It removes its event,
also after an error or Ctrl-C, and exits 0 once the figures are printed (PASS or FAIL). See benchmarks/README.md.
"""

import argparse
import cProfile
import csv
import html
import io
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import mailbench  # noqa: E402
from benchmarks.registration import take_lock  # noqa: E402

SLUG = "benchmark-import-list"
TARGET_SECONDS = 15.0  # per request: half of gunicorn's timeout, for a slower server or a busier day
IMPORT_URL = "/admin/participants/participant/import/"
PROCESS_IMPORT_URL = "/admin/participants/participant/process_import/"
CSV_FORMAT, XLSX_FORMAT = "0", "1"

DISTRICTS = [f"Benchmark district {letter}" for letter in "ABCDE"]
FIRST_NAMES = ["Айгүл", "Жылдыз", "Гүлнара", "Назгүл", "Бурулай", "Анара", "Чолпон", "Мээрим", "Асель", "Динара"]
SURNAMES = ["Токтосунова", "Абдыкадырова", "Эсенбаева", "Ормонова", "Сапарова", "Исаева", "Маматова", "Юсупова"]
ORGANISATIONS = ["Кара-Бак аялдар кеңеши", "Молодёжный центр", "Айыл өкмөтү", "ОО «Мир и согласие»", ""]
POSITIONS = ["Төрага", "Координатор", "Депутат айылдык кеңеша", "Медиатор", ""]
VILLAGES = ["Кара-Бак", "Ак-Сай", "Кулунду", "Халмион", "Исфана"]

# (English header, Russian header, the person's value)
COLUMNS = [
    ("Full name", "ФИО", lambda n: f"{FIRST_NAMES[n % 10]} {SURNAMES[n // 10 % 8]}"),
    ("Phone", "Тел.", lambda n: f"0700 {n // 1000:03d} {n % 1000:03d}"),
    ("Email", "Эл. почта", lambda n: f"invitee-{n:05d}@example.org" if n % 4 else ""),
    ("Gender", "Пол", lambda n: "Woman" if n % 5 else "Man"),
    ("Category", "Категория", lambda n: "Women activist" if n % 3 else "Member of a local council"),
    ("Organisation", "Организация", lambda n: ORGANISATIONS[n % 5]),
    ("Position", "Должность", lambda n: POSITIONS[n % 5]),
    ("District", "Район", lambda n: DISTRICTS[n % 5]),
    ("Village", "Село", lambda n: VILLAGES[n % 5]),
]


# How a Russian-speaking organiser writes the same answers.
IN_RUSSIAN = {
    "Woman": "ж",
    "Man": "м",
    "Women activist": "Женщина-активистка",
    "Member of a local council": "Депутат местного кенеша",
}


def people(rows, words=None):
    words = words or {}
    return [[words.get(value(n), value(n)) for _en, _ru, value in COLUMNS] for n in range(rows)]


def xlsx_file(rows):
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([english for english, _ru, _value in COLUMNS])
    for row in people(rows):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cp1251_csv_file(rows):
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow([russian for _en, russian, _value in COLUMNS])
    writer.writerows(people(rows, IN_RUSSIAN))
    # cp1251 has no ө, ү, ң: Excel writes "?" for them. The benchmark's list keeps to letters it has.
    return text.getvalue().translate(str.maketrans("өүңӨҮҢ", "оунОУН")).encode("cp1251")


def create_event():
    from participants.models import District, Region

    event = mailbench.create_event(
        SLUG, "Benchmark dialogue: importing the invitee list", "To measure importing a long invitee list."
    )
    region, _ = Region.objects.get_or_create(name="Benchmark import region")
    for name in DISTRICTS:
        District.objects.get_or_create(region=region, name=name)
    return event


def organiser_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    from dialogue_event.roles import ensure_role_groups

    user, _ = get_user_model().objects.get_or_create(username="benchmark-import-organiser", defaults={"is_staff": True})
    user.groups.add(ensure_role_groups())
    client = Client()
    client.force_login(user)
    return client


def hidden_inputs(page):
    """The confirmation form's fields, as the browser would post them back."""
    fields = {}
    for tag in re.findall(r"<input[^>]*type=\"hidden\"[^>]*>", page):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return fields


def import_once(client, event, name, content, file_format, profiler=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, content)
    if profiler:
        profiler.enable()
    started, cpu = time.perf_counter(), time.process_time()
    preview = client.post(
        IMPORT_URL, {"event": event.pk, "format": file_format, "resource": "0", "import_file": upload}
    )
    preview_seconds, preview_cpu = time.perf_counter() - started, time.process_time() - cpu
    if profiler:
        profiler.disable()
    page = preview.content.decode()
    if preview.status_code != 200 or 'name="import_file_name"' not in page:
        found = re.findall(r'<ul class="errorlist[^"]*">(.*?)</ul>|<td class="row-problems">(.*?)</td>', page, re.S)
        problems = found[:3]
        problems = [re.sub(r"<[^>]+>|\s+", " ", html.unescape("".join(found))).strip() for found in problems]
        raise RuntimeError(f"the preview of {name} offered no confirmation ({preview.status_code}): {problems}")
    if profiler:
        profiler.enable()
    started, cpu = time.perf_counter(), time.process_time()
    confirmed = client.post(PROCESS_IMPORT_URL, hidden_inputs(page))
    confirm_seconds, confirm_cpu = time.perf_counter() - started, time.process_time() - cpu
    if profiler:
        profiler.disable()
    if confirmed.status_code != 302:
        raise RuntimeError(f"the confirmation of {name} answered {confirmed.status_code}, not a redirect")
    return {
        "preview": preview_seconds,
        "confirm": confirm_seconds,
        "preview_cpu": preview_cpu,
        "confirm_cpu": confirm_cpu,
        "preview_bytes": len(preview.content),
    }


def measure(args):
    with tempfile.TemporaryDirectory(prefix="dialogue-event-import-bench-") as static_root:
        mailbench.setup_django(mailbench.web_environment(static_root), collect_static=True)
        return run(args)


def run(args):
    from participants.models import Participant

    try:
        event = create_event()
        client = organiser_client()
        files = [
            ("(x) invitees.xlsx, English headers", "invitees.xlsx", xlsx_file(args.rows), XLSX_FORMAT),
            ("(c) invitees.csv, cp1251, ';', Russian", "invitees.csv", cp1251_csv_file(args.rows), CSV_FORMAT),
        ]
        results = []
        load_before = os.getloadavg()
        profiler = cProfile.Profile() if args.profile else None
        for title, name, content, file_format in files:
            print(f"  {title}: {len(content) / 1e6:.1f} MB, {args.rows} rows...", flush=True)
            try:
                profiled = profiler if file_format == XLSX_FORMAT else None
                figures = import_once(client, event, name, content, file_format, profiled)
            except RuntimeError as error:
                print(f"      FAILED: {error}", flush=True)
                figures = None
            imported = Participant.objects.filter(event=event).count()
            results.append((title, len(content), figures, imported))
            Participant.objects.filter(event=event).delete()
    finally:
        mailbench.delete_event(SLUG)

    print()
    print(f"{args.rows} rows per file, in one process (django.test.Client, DEBUG off), {os.cpu_count()} CPU cores")
    print()
    header = (
        f"{'file':<42} {'MB':>5} {'preview s':>10} {'(CPU)':>6} {'confirm s':>10} {'(CPU)':>6} {'page MB':>8} "
        f"{'imported':>9}"
    )
    print(header)
    print("-" * len(header))
    worst = 0.0
    for title, size, figures, imported in results:
        if figures is None:
            worst = float("inf")
            print(f"{title:<42} {size / 1e6:>5.1f} {'failed':>10} {'':>6} {'':>10} {'':>6} {'':>8} {imported:>9}")
            continue
        worst = max(worst, figures["preview"], figures["confirm"])
        print(
            f"{title:<42} {size / 1e6:>5.1f} {figures['preview']:>10.1f} {figures['preview_cpu']:>6.1f} "
            f"{figures['confirm']:>10.1f} {figures['confirm_cpu']:>6.1f} {figures['preview_bytes'] / 1e6:>8.2f} "
            f"{imported:>9}"
        )
    print()
    print(f"load average before / after: {load_before[0]:.1f} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("(CPU) is the CPU time of the request's own process: the wall time on a machine with nothing else running,")
    print("PostgreSQL's share aside. Above a load of about the number of cores, the wall times are inflated.")
    verdict = "PASS" if worst <= TARGET_SECONDS and all(r[3] == args.rows for r in results) else "FAIL"
    print(f"slowest request {worst:.1f} s, target <= {TARGET_SECONDS:g} s (gunicorn's timeout: 30 s): {verdict}")
    if profiler:
        print()
        print("Where the time of the Excel file's preview and confirmation went (cProfile, by own time):")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        print("... and by cumulative time:")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20000, help="people in each list (1-20000, default 20000)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the Excel file's two requests")
    args = parser.parse_args()
    if not 1 <= args.rows <= 20000:
        parser.error("--rows must be within 1..20000")
    mailbench.check_database_name()
    _lock = take_lock()
    try:
        return measure(args)
    except KeyboardInterrupt:
        print("Interrupted; the benchmark's event was removed.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
