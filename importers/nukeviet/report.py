"""import-report.md: counts per table, every record skipped or changed and why, the files
written, the old → new URL map. The same rows give the same report (no clocks, no paths
of the machine), so a database and its dump give identical reports."""

from __future__ import annotations


def _cell(s) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def render(report, opts, stale: list[str]) -> str:
    w = report.writer
    out = ["# NukeViet import report", "",
           f"Table prefix `{opts.prefix}`, language `{opts.lang}`, news module `{opts.news}`, "
           f"laws module `{opts.laws}`." + (" **Dry run: no file was written.**" if opts.dry_run else ""), "",
           "## Rows per table", "", "| Table | Rows | Read |", "|---|---:|---|"]
    wanted = opts.wanted_tables()
    copies = f"{opts.prefix}_{opts.lang}_{opts.news}_"
    for name, n in sorted(report.counts.items()):
        if name in wanted:
            how = "yes"
        elif name.startswith(copies) and name[len(copies):].isdigit():
            how = "no: per-category copy of `_rows`"
        else:
            how = "no"
        out.append(f"| `{name}` | {n:,} | {how} |")
    out += ["", "## Summary", "", "| What | Count |", "|---|---:|"]
    out += [f"| {_cell(k)} | {v:,} |" for k, v in sorted(report.summary.items())]
    out += ["", "## Files", "", "| Outcome | Files |", "|---|---:|"]
    for kind in ("new", "updated", "unchanged", "kept"):
        out.append(f"| {kind} | {len(w.outcome[kind]):,} |")
    if w.outcome["kept"]:
        out += ["", "### Edited by hand since the last import: NOT overwritten", "",
                "Compare with NukeViet, merge by hand, or re-run with `--force` to overwrite.", ""]
        out += [f"- `{p}`" for p in w.outcome["kept"]]
    if stale:
        out += ["", "### Written by an earlier import, no longer in NukeViet (left in place)", ""]
        out += [f"- `{p}`" for p in stale]
    out += ["", "## Records skipped or changed", "", "| Record | What and why |", "|---|---|"]
    out += [f"| {_cell(rec)} | {_cell(what)} |" for rec, what, _ in report.changes]
    out += ["", "## Old → new URLs", "",
            "Redirect pages for static hosting are under `imported/nukeviet/redirects/`; "
            "the same map for nginx is `imported/nukeviet/redirects.map` (attachments included).", "",
            "| Old URL | New URL |", "|---|---|"]
    seen = set()
    for old, new in list(report.urls) + list(report.attachment_urls):
        if old not in seen:
            seen.add(old)
            out.append(f"| `{_cell(old)}` | `{_cell(new)}` |")
    return "\n".join(out) + "\n"
