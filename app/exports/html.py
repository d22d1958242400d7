"""The print layout: one report, or a board pack (cover and reports), as a standalone A4 HTML document."""

from __future__ import annotations

from flask import current_app

from app.services.report_model import BoardPack, ReportModel

# The paper's own stylesheet for saved files and the PDF: the application stylesheet (which the browser's print
# view uses) is mostly screen rules, and would make the PDF many times slower to lay out.
FONTS = 'Arial, "Liberation Sans", "DejaVu Sans", sans-serif'
PRINT_CSS = f"""
@page {{ size: A4; margin: 15mm 15mm 18mm;
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font: 8pt {FONTS}; }} }}
html {{ font-family: {FONTS}; font-size: 10pt; line-height: 1.3; color: #0b0c0c; }}
body {{ margin: 0; }}
h1, h2, h3, h4 {{ margin: 0 0 6pt; font-weight: bold; break-after: avoid; }}
.govuk-heading-l {{ font-size: 18pt; }}
.govuk-heading-m {{ font-size: 14pt; }}
.govuk-caption-m {{ display: block; font-size: 11pt; font-weight: normal; color: #484949; }}
p, ul {{ margin: 0 0 6pt; }}
ul {{ padding-left: 14pt; }}
td ul, td p {{ margin-bottom: 3pt; }}
.govuk-inset-text {{ padding: 4pt 8pt; border-left: 4pt solid #cecece; }}
.govuk-visually-hidden {{ display: none; }}
table {{ width: 100%; margin: 0 0 10pt; border-collapse: collapse; font-size: 9pt; }}
caption {{ padding-bottom: 3pt; font-weight: bold; text-align: left; }}
th, td {{ padding: 3pt 5pt; border: 1px solid #484949; text-align: left; vertical-align: top; }}
thead th, tbody th {{ background-color: #f3f3f3; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
.app-paper__half {{ width: 50%; }}
/* Fixed layout where the widths are set: each column's width then comes from the header row instead of from
   measuring every cell's text twice (the long tables' automatic layout was about half the PDF's time). */
.app-paper__milestones, .app-paper__narrative, .app-paper__risk-table {{ table-layout: fixed; }}
.app-paper__milestones thead th:nth-child(1) {{ width: 9%; }}
.app-paper__milestones thead th:nth-child(2) {{ width: 37%; }}
.app-paper__milestones thead th:nth-child(3), .app-paper__milestones thead th:nth-child(4) {{ width: 11%; }}
.app-paper__risk-table thead th:nth-child(1) {{ width: 9%; }}
.app-paper__risk-table thead th:nth-child(2) {{ width: 17%; }}
.app-paper__risk-table thead th:nth-child(3) {{ width: 9%; }}
.app-paper__risk-table thead th:nth-child(4) {{ width: 10%; }}
.app-paper__risk-table thead th:nth-child(5) {{ width: 5%; }}
.app-paper__risk-table thead th:nth-child(6) {{ width: 7%; }}
.app-paper__risk-table thead th:nth-child(8) {{ width: 10%; }}
.app-paper__header th {{ width: 16%; }}
.app-page-break {{ break-before: page; }}
.app-rag-cell--red, .app-rag-cell--amber, .app-rag-cell--green {{ font-weight: bold; }}
.app-rag-cell--red {{ background-color: #f4d7d7; border-left: 4pt solid #ca3535; }}
.app-rag-cell--amber {{ background-color: #fff8cc; border-left: 4pt solid #f47738; }}
.app-rag-cell--green {{ background-color: #cfe4dc; border-left: 4pt solid #0f7a52; }}
.app-paper__computed {{ padding: 0 3pt; }}
.app-paper__hash {{ font-size: 7pt; word-break: break-all; }}
"""


def document_title(models: list[ReportModel], pack: BoardPack | None) -> str:
    if pack is not None:
        return f"{pack.programme}: {pack.meeting_name}, {pack.meeting_label} board pack"
    model = models[0]
    meeting = f" for {model.meeting_name}, {model.meeting_label}" if model.meeting_name else ""
    return f"{model.workstream} highlight report{meeting}"


def document_date(models: list[ReportModel], pack: BoardPack | None) -> str | None:
    """A fixed date for the document's metadata, so a frozen report renders the same bytes every time."""
    if pack is not None:
        return pack.meeting_date.isoformat()
    model = models[0]
    if model.signed_off:
        return model.signed_off.at.date().isoformat()
    if model.submitted:
        return model.submitted.at.date().isoformat()
    return model.as_of.isoformat()


def render_print_html(
    models: list[ReportModel],
    *,
    pack: BoardPack | None = None,
    stylesheet_href: str | None = None,
    inline_css: bool = False,
) -> str:
    """Render the print layout. Link the stylesheet (for the browser) or embed it (for a saved file).

    Needs an application context (templates and the static folder), not a request: the CLI renders it too.
    """
    return current_app.jinja_env.get_template("reports/print.html").render(
        reports=models,
        pack=pack,
        stylesheet_href=stylesheet_href,
        inline_css=PRINT_CSS if inline_css else None,
        document_title=document_title(models, pack),
        document_date=document_date(models, pack),
    )
