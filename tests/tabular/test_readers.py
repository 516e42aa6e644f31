"""Reading files as users produce them: encodings, title rows, empty, truncated and junk files."""

import pytest

from clusterhub.enterprises.importers import EnterpriseImporter
from clusterhub.tabular.columns import header_variants, unit_of
from clusterhub.tabular.readers import TabularError, decode_bytes, open_table

from .conftest import csv_bytes, xlsx_bytes

HEADER = ["统一社会信用代码", "企业名称", "注册地"]
ROW = ["91220101MA00000013", "长春一汽富维汽车零部件股份有限公司", "220100"]


def read(tmp_path, content, name="f.csv", **kwargs):
    path = tmp_path / name
    path.write_bytes(content)
    score = EnterpriseImporter().score_header
    with open_table(path, score=score, **kwargs) as table:
        return table, list(table.rows)


def test_gbk_csv_is_detected_and_decoded_without_mojibake(tmp_path):
    table, rows = read(tmp_path, csv_bytes([HEADER, ROW], "gbk"))
    assert table.encoding == "GB18030"
    assert table.headers == HEADER
    assert rows == [(2, ROW)]


def test_short_gbk_file_is_not_mistaken_for_another_encoding(tmp_path):
    # charset-normalizer alone calls these 28 bytes cp949 (Korean); GB18030 must win.
    table, rows = read(tmp_path, csv_bytes([["企业名称", "年份"], ["一汽解放", "2021"]], "gbk"))
    assert table.encoding == "GB18030"
    assert rows[0][1][0] == "一汽解放"


def test_utf8_bom_csv(tmp_path):
    table, rows = read(tmp_path, b"\xef\xbb\xbf" + csv_bytes([HEADER, ROW]))
    assert table.encoding == "UTF-8 (BOM)"
    assert table.headers[0] == "统一社会信用代码"  # no BOM glued to the first header
    assert rows[0][1] == ROW


def test_utf16_tab_separated_export_from_excel(tmp_path):
    text = "\t".join(HEADER) + "\r\n" + "\t".join(ROW) + "\r\n"
    table, rows = read(tmp_path, text.encode("utf-16"))
    assert table.encoding == "UTF-16"
    assert rows[0][1] == ROW


def test_gbk_file_forced_to_utf8_names_the_row(tmp_path):
    with pytest.raises(TabularError) as error:
        read(tmp_path, csv_bytes([["Name"], ["abc"], ["一汽"]], "gbk"), encoding="utf-8")
    assert error.value.row == 3
    assert "Row 3 is not valid UTF-8" in error.value.message
    assert "GBK" in error.value.message


def test_file_already_garbled_is_refused_naming_the_row(tmp_path):
    # A GBK file once opened as UTF-8 and saved: replacement characters in row 3.
    garbled = "名称\n一汽\n" + "長春".encode("gbk").decode("utf-8", errors="replace") + "\n"
    with pytest.raises(TabularError) as error:
        read(tmp_path, garbled.encode("utf-8"))
    assert error.value.row == 3
    assert "garbled" in error.value.message


def test_utf8_read_as_latin1_mojibake_is_refused(tmp_path):
    mojibake = "企业名称".encode().decode("latin-1").encode("utf-8")
    with pytest.raises(TabularError, match="garbled"):
        read(tmp_path, mojibake + b"\n" + "一汽".encode())


def test_xlsx_title_row_above_the_header_and_row_numbers_as_in_excel(tmp_path):
    content = xlsx_bytes(
        [HEADER, ROW, [None, None, None], ROW],
        title_rows=[["2021年长春市汽车零部件企业名单"], []],
    )
    table, rows = read(tmp_path, content, "list.xlsx")
    assert table.format == "xlsx"
    assert table.header_row == 3
    assert table.sheet == "企业名单"
    assert [number for number, cells in rows if any(cells)] == [4, 6]


def test_xlsx_data_on_a_later_sheet(tmp_path):
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "说明"
    workbook.active.append(["本表由市投促局填报"])
    data = workbook.create_sheet("名单")
    data.append(HEADER)
    data.append(ROW)
    buffer = io.BytesIO()
    workbook.save(buffer)
    table, rows = read(tmp_path, buffer.getvalue(), "list.xlsx")
    assert table.sheet == "名单"
    assert rows == [(2, ROW)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\r\n\r\n  \r\n", "The file is empty."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Excel 97-2003"),
        (b"\x00\x01\x02\x03binary\x00junk" * 20, "binary data"),
        (b"%PDF-1.4 ...", "not a spreadsheet"),
    ],
)
def test_unreadable_files_get_a_clear_reason(tmp_path, content, message):
    with pytest.raises(TabularError, match=message):
        read(tmp_path, content)


def test_truncated_xlsx(tmp_path):
    content = xlsx_bytes([HEADER, ROW] * 50)
    with pytest.raises(TabularError, match="damaged or incomplete"):
        read(tmp_path, content[: len(content) // 2], "cut.xlsx")


def test_no_known_header(tmp_path):
    with pytest.raises(TabularError, match="No header row found"):
        read(tmp_path, csv_bytes([["a", "b"], ["1", "2"]]))


def test_headers_with_units_and_two_languages():
    assert unit_of("计划投资（亿元）") == "亿元"
    assert unit_of("Annual revenue (10k yuan)") == "万元"
    assert unit_of("金额(单位:万元)") == "万元"
    assert unit_of("投资额万元") == "万元"
    assert unit_of("企业名称") is None
    assert "企业名称" in header_variants("*企业名称\nRegistered name")
    assert "registeredname" in header_variants("*企业名称\nRegistered name")
    assert "计划投资" in header_variants("计划投资（亿元）")


def test_decode_prefers_utf8_when_valid():
    text, label = decode_bytes("名称".encode())
    assert (text, label) == ("名称", "UTF-8")
