"""Reading the workbooks the app sends, in tests."""

from io import BytesIO
from typing import Any

from django.http import FileResponse
from openpyxl import load_workbook


def sheet_rows(response: object) -> list[list[Any]]:
    """The cells of the first sheet of a downloaded workbook."""
    assert isinstance(response, FileResponse)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(response.streaming_content)  # type: ignore[arg-type]
    sheet = load_workbook(BytesIO(data)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]
