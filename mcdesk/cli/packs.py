"""Publishers and pack authors: ``mcdesk keys``, ``mcdesk pack`` and ``mcdesk catalog``.

Heavy imports stay inside the commands.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from mcdesk.cli.common import (
    Commands,
    import_bundled_if_needed,
    now,
    number_in,
    prepare_store,
    trusted_publishers,
)
from mcdesk.errors import EXIT_OK, EXIT_REFUSED


def cmd_keys_new_publisher(args: argparse.Namespace) -> int:
    from mcdesk.keys import KeyFileError, new_publisher, public_file_for

    try:
        publisher = new_publisher(Path(args.output), name=args.name)
    except KeyFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    print(f"private key: {args.output} (keep it secret; owner-only permissions)")
    print(f"public key:  {public_file_for(Path(args.output))} (give this to stations)")
    print(f"key id:      {publisher.key_id}")
    return EXIT_OK


def cmd_keys_trust(args: argparse.Namespace) -> int:
    from mcdesk.keys import KeyFileError, read_publisher
    from mcdesk.paths import resolve_paths

    source = Path(args.public_file)
    try:
        publisher = read_publisher(source)
    except KeyFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    folder = resolve_paths().trusted_publishers_dir
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, folder / f"{publisher.key_id}.pub.json")
    print(f"trusted publisher {publisher.name!r} (key {publisher.key_id})")
    return EXIT_OK


def cmd_pack_build(args: argparse.Namespace) -> int:
    from mcdesk.content.build import build_pack
    from mcdesk.content.errors import SourceError

    try:
        built = build_pack(
            Path(args.source),
            Path(args.output),
            publisher_key=Path(args.key),
            pack_key_file=Path(args.pack_key) if args.pack_key else None,
        )
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    print(
        f"built {built.output} ({built.pack_id} {built.version}, {built.file_count} files, "
        f"{built.size / 1024:.0f} KiB)"
    )
    if built.pack_key_file:
        print(f"pack key: {built.pack_key_file} (keep it off stations; the server wraps it)")
    return EXIT_OK


def cmd_pack_verify(args: argparse.Namespace) -> int:
    from mcdesk.content.errors import PackRefused
    from mcdesk.content.verify import verify_pack

    try:
        pack = verify_pack(Path(args.file), trusted=trusted_publishers())
    except PackRefused as exc:
        print(f"invalid: {exc}")
        return EXIT_REFUSED
    manifest = pack.manifest
    print(f"valid: {manifest['title']} ({pack.pack_id} {pack.version})")
    print(f"  career cluster: {manifest['career_cluster']}")
    print(f"  publisher:      {pack.publisher.name} (key {pack.publisher.key_id})")
    print(f"  kind:           {'preview' if manifest['preview'] else 'full micro-credential'}")
    print(
        f"  files:          {len(pack.files)}, {sum(map(len, pack.files.values())) / 1024:.0f} KiB"
    )
    for skill in manifest["skills"]:
        print(
            f"  skill: {skill['title']} — {len(skill['keywords'])} keywords, "
            f"{len(skill['self_check'])} self-check items"
        )
    assessment = manifest.get("assessment")
    if assessment:
        bank = sum(assessment["bank"]["items_per_skill"].values())
        form = sum(assessment["items_per_skill"].values())
        print(
            f"  assessment: {form} of {bank} sealed items, {assessment['time_limit_minutes']} min, "
            f"pass at {assessment['proficiency_level']:.0%}"
        )
    return EXIT_OK


def cmd_pack_import(args: argparse.Namespace) -> int:
    from mcdesk.content.errors import PackRefused
    from mcdesk.content.install import import_pack
    from mcdesk.store.engine import make_engine

    paths = prepare_store()
    engine = make_engine(paths.database)
    try:
        result = import_pack(
            Path(args.file),
            engine=engine,
            trusted=trusted_publishers(),
            force=args.force,
            now=now(),
        )
    except PackRefused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        print("Nothing was changed.", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        engine.dispose()
    before = f" (was {result.previous_version})" if result.previous_version else ""
    print(f"{result.outcome}: {result.pack_id} {result.version}{before}")
    return EXIT_OK


def cmd_catalog_list(args: argparse.Namespace) -> int:
    from mcdesk.content.catalog import catalog_standards, list_catalog
    from mcdesk.store.connection import opened

    paths = prepare_store()
    import_bundled_if_needed(paths)
    with opened(paths.database) as connection:
        entries = list_catalog(connection)
        standards = catalog_standards(connection)
    cluster = None
    for entry in entries:
        if entry.career_cluster != cluster:
            cluster = entry.career_cluster
            print(f"\n{cluster}")
        tag, status = (
            (" [preview]", "preview: no assessment yet") if entry.preview else ("", "earnable")
        )
        print(f"  {entry.title}{tag} — {entry.id} {entry.version} · {status}")
        print(f"      {', '.join(entry.skill_titles)}")
        named = standards.get(entry.id, ())
        if not named:
            print("      Standards: none named")
        for standard in named:
            print(f"      Standard: {standard.label()} <{standard.url}>")
    earnable = sum(not entry.preview for entry in entries)
    print(f"\n{len(entries)} micro-credentials, {earnable} earnable")
    return EXIT_OK


def cmd_catalog_search(args: argparse.Namespace) -> int:
    from mcdesk.content.catalog import search_catalog
    from mcdesk.store.connection import opened

    paths = prepare_store()
    import_bundled_if_needed(paths)
    with opened(paths.database) as connection:
        hits = search_catalog(connection, " ".join(args.query), limit=args.limit)
    if not hits:
        print("no matches")
        return EXIT_OK
    for hit in hits:
        where = f" › {hit.skill_title}" if hit.skill_title else ""
        print(f"{hit.pack_title}{where}  ({hit.career_cluster})")
        print(f"    {hit.snippet}")
    return EXIT_OK


def cmd_catalog_rebuild_bundled(args: argparse.Namespace) -> int:
    from mcdesk.content.bundled import build_bundled_catalog
    from mcdesk.content.errors import SourceError

    root = Path(args.content_cache)
    try:
        built = build_bundled_catalog(
            root / "src",
            root / "packs",
            publisher_key=Path(args.key),
            pack_keys_dir=root / "keys" / "packs",
        )
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    for pack in built:
        print(f"built {pack.output.name}: {pack.pack_id} {pack.version}")
    return EXIT_OK


def cmd_pack_lint(args: argparse.Namespace) -> int:
    from mcdesk.content.lint import lint_source

    report = lint_source(Path(args.source))
    for rel, grade in sorted(report.grades.items()):
        shown = "too short to judge" if grade is None else f"grade {grade:.1f}"
        print(f"{rel}: reading level {shown}")
    for finding in report.findings:
        print(finding)
    print(f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    return EXIT_REFUSED if report.errors else EXIT_OK


def cmd_pack_import_qti(args: argparse.Namespace) -> int:
    from mcdesk.content.qti.folder import import_qti
    from mcdesk.content.qti.package import QtiRefused

    try:
        done = import_qti(
            Path(args.package),
            folder=Path(args.output),
            self_check=args.self_check,
            skill=args.skill,
            pack_id=args.pack_id,
            title=args.title,
            cluster=args.cluster,
        )
    except QtiRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    kind = "self-checks" if args.self_check else "bank items"
    print(f"imported {len(done.report.items)} {kind} into {done.folder} (skill {done.skill})")
    for identifier, note in done.report.notes:
        print(f"  note: {identifier}: {note}")
    for skipped in done.report.skipped:
        print(f"  not imported: {skipped.href} ({skipped.identifier}): {skipped.reason}")
    print("next: edit the TOML and lesson, run `mcdesk pack lint`, then `mcdesk pack build`")
    return EXIT_OK


def _add_authoring_commands(pack: Commands) -> None:
    """Register ``pack lint`` and ``pack import-qti`` under the ``pack`` command."""
    lint = pack.add_parser("lint", help="check a pack source folder; exit 1 on errors")
    lint.add_argument("source", help="the pack source folder (with pack.toml)")
    lint.set_defaults(func=cmd_pack_lint)
    qti = pack.add_parser("import-qti", help="import a QTI 2.1/3.0 package into a source folder")
    qti.add_argument("package", help="the IMS content package (.zip with imsmanifest.xml)")
    qti.add_argument("-o", "--output", required=True, help="pack source folder, new or existing")
    qti.add_argument("--self-check", action="store_true", help="as self-checks, not bank items")
    qti.add_argument("--skill", help="skill id to add to (default: the first, or 'imported')")
    qti.add_argument("--pack-id", help="new pack only: its id (a lower-case slug)")
    qti.add_argument("--title", help="new pack only: its title")
    qti.add_argument("--cluster", help="new pack only: its career cluster")
    qti.set_defaults(func=cmd_pack_import_qti)


def add_commands(commands: Commands) -> None:
    """Add ``keys``, ``pack`` and ``catalog`` to the ``mcdesk`` parser's subcommands."""
    keys = commands.add_parser("keys", help="publisher keys").add_subparsers(
        dest="sub", required=True
    )
    new = keys.add_parser("new-publisher", help="make a publisher key pair")
    new.add_argument("-o", "--output", required=True, help="private key file to write")
    new.add_argument("--name", default="Unnamed publisher", help="publisher name shown to users")
    new.set_defaults(func=cmd_keys_new_publisher)
    trust = keys.add_parser("trust", help="trust a publisher's public key on this station")
    trust.add_argument("public_file", help="the publisher's .pub.json file")
    trust.set_defaults(func=cmd_keys_trust)

    pack = commands.add_parser("pack", help="content packs").add_subparsers(
        dest="sub", required=True
    )
    build = pack.add_parser("build", help="build a signed pack from a source folder")
    build.add_argument("source")
    build.add_argument("-o", "--output", required=True)
    build.add_argument("--key", required=True, help="publisher private key")
    build.add_argument("--pack-key", help="pack key file (default: beside the output)")
    build.set_defaults(func=cmd_pack_build)
    verify = pack.add_parser("verify", help="check a pack; exit 1 with the reason if invalid")
    verify.add_argument("file")
    verify.set_defaults(func=cmd_pack_verify)
    imp = pack.add_parser("import", help="verify and add or replace a pack in the catalog")
    imp.add_argument("file")
    imp.add_argument("--force", action="store_true", help="allow an older or rebuilt version")
    imp.set_defaults(func=cmd_pack_import)
    _add_authoring_commands(pack)

    catalog = commands.add_parser("catalog", help="the station's catalog").add_subparsers(
        dest="sub", required=True
    )
    catalog.add_parser("list", help="micro-credentials by career cluster").set_defaults(
        func=cmd_catalog_list
    )
    search = catalog.add_parser("search", help="search titles, skills, keywords and lessons")
    search.add_argument("query", nargs="+")
    search.add_argument("--limit", type=number_in(1, 1000, whole=True), default=20)
    search.set_defaults(func=cmd_catalog_search)
    rebuild = catalog.add_parser("rebuild-bundled", help="(publishers) rebuild content_cache/packs")
    rebuild.add_argument("--content-cache", default="content_cache")
    rebuild.add_argument("--key", default="content_cache/keys/demo-publisher.key")
    rebuild.set_defaults(func=cmd_catalog_rebuild_bundled)
