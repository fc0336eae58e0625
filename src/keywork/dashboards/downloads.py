"""A table of figures as a file to download, CSV or XLSX. Every cell goes through
``keywork.domain.exports.safe_cell``, so a text from the service (a unit's or a legal
basis's name) cannot run as a formula in a spreadsheet program."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from keywork.dashboards.selectors.manager_tables import Table
from keywork.domain.exports import safe_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(table: Table, filename: str) -> HttpResponse:
    # A byte-order mark, so that spreadsheet programs read the file as UTF-8.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(c) for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return _attachment(response, filename)


def xlsx_response(table: Table, filename: str, heading: list[str]) -> HttpResponse:
    """One sheet: the ``heading`` lines (what the table is, the period), a blank row, the
    column names in bold, the rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = table.key[:31]
    for line in heading:
        sheet.append([safe_cell(line)])
    sheet.append([])
    sheet.append([safe_cell(c) for c in table.columns])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([safe_cell(v) for v in row])
    for index, name in enumerate(table.columns, start=1):
        widest = max([len(str(name)), *(len(str(r[index - 1] or "")) for r in table.rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, widest + 2)
    out = io.BytesIO()
    book.save(out)
    return _attachment(HttpResponse(out.getvalue(), content_type=XLSX), filename)
