"""What an import did (or, with --dry-run, would do): the report model and its Chinese summary."""

from __future__ import annotations

from pydantic import BaseModel

__all__ = ["CATEGORY_LABELS", "UNREAD_KINDS", "ImportReport", "RowNote"]


class RowNote(BaseModel):
    """One row of the export in one category of the report."""

    row: int
    name: str
    company_id: str | None = None
    detail: str = ""


# Report categories in the order the summary shows them, with their Chinese names.
CATEGORY_LABELS: dict[str, str] = {
    "new": "新增企业",
    "updated": "更新已有企业",
    "duplicates": "重复（已存在或文件内重复）",
    "near_duplicates": "疑似重复（名称相近，请人工判断，未合并）",
    "unmatched": "未匹配到任何环节",
    "over_matched": "匹配环节过多（关键词可能过宽，未写入环节）",
    "weak": "环节证据较弱（已写入或未写入，请复核）",
    "skipped": "跳过（注销/吊销/停业/清算）",
    "problems": "数据问题（已按说明处理）",
    "unread": "未能读出上市/地点/规模（已留空）",
}
# What ``unread`` notes are about, with the words the report uses.
UNREAD_KINDS: dict[str, str] = {"listing": "上市", "place": "地点", "scale": "规模"}


class ImportReport(BaseModel):
    """Counts and rows of every category, plus what was recognised in the file."""

    file: str
    data: str
    dry_run: bool
    encoding: str
    header_row: int
    rows: int = 0
    columns: dict[str, list[str]] = {}
    unknown_columns: list[str] = []
    new: list[RowNote] = []
    updated: list[RowNote] = []
    duplicates: list[RowNote] = []
    near_duplicates: list[RowNote] = []
    unmatched: list[RowNote] = []
    over_matched: list[RowNote] = []
    weak: list[RowNote] = []  # assignments on thin evidence (仅销售、后列条目、单个宽泛关键词) and those set aside
    skipped: list[RowNote] = []
    problems: list[RowNote] = []
    unread: list[RowNote] = []
    unread_kinds: dict[str, int] = {}  # listing/place/scale → rows where it could not be read
    place_sources: dict[str, int] = {}  # 地址 / 统一社会信用代码 → rows whose place came from there
    listing_dates: dict[str, str] = {}  # company id → 上市日期 (no companies.csv column holds it)
    segment_rows_added: int = 0
    segment_rows_removed: int = 0
    written: bool = False
    recovered: bool = False

    def counts(self) -> dict[str, int]:
        """Category → number of rows."""
        return {name: len(getattr(self, name)) for name in CATEGORY_LABELS}

    def unread_counts(self) -> dict[str, int]:
        """listing / place / scale → rows where it could not be read."""
        return {kind: self.unread_kinds.get(kind, 0) for kind in UNREAD_KINDS}

    def summary(self) -> str:
        """The one-paragraph Chinese summary printed at the end."""
        c = self.counts()
        verb = "将" if self.dry_run else "已"
        head = (f"{self.file}：读取 {self.rows} 行；{verb}新增 {c['new']} 家、更新 {c['updated']} 家，"
                f"企业—环节对应{verb}新增 {self.segment_rows_added} 条、删除 {self.segment_rows_removed} 条；"
                f"重复 {c['duplicates']}，疑似重复 {c['near_duplicates']}，未匹配环节 {c['unmatched']}，"
                f"匹配过多 {c['over_matched']}，证据较弱 {c['weak']}，跳过 {c['skipped']}，数据问题 {c['problems']}，"
                f"未识别的列 {len(self.unknown_columns)} 个")
        unread = self.unread_counts()
        if any(unread.values()):
            head += "；未能读出：" + "、".join(f"{UNREAD_KINDS[k]} {n} 行" for k, n in unread.items())
        if self.dry_run:
            return head + "。这是试运行（--dry-run），没有写入任何文件。"
        if not self.written:
            return head + "。数据没有变化，文件未改动。"
        return head + "。已写入 companies.csv 和 company_segments.csv，可运行 chainkg validate / chainkg rank。"
