"""The one protocol every import format follows, and what formats share.

A :class:`Format` says which table a kind of file fills, how to recognise it from its
header, which columns it cannot do without, and how a :class:`~gloact_lib.imports.validate.Batch`
of rows becomes that table's columns (``transform``).  Two optional hooks cover what only
some formats need:

``group(frame, ctx)``
    The rows are parts of records, judged together once every row is read (HTCDS:
    events grouped by case into journeys).  See :data:`GroupHook`.
``check_source(source, ctx)``
    Refuse the file as a whole before any row is read (a commitments form whose hidden
    sheet was changed).  See :data:`SourceHook`.

The pipeline (:mod:`gloact_lib.imports.pipeline`) knows formats only through these fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from gloact_lib.data.countries import UNKNOWN
from gloact_lib.data.schema import EXPLOITATIONS, TABLES
from gloact_lib.imports.places import Places, resolve_location
from gloact_lib.imports.readers import Source
from gloact_lib.imports.validate import Batch

__all__ = ["AGE", "CRIME", "EXPLOITATION", "SEX", "SYNTHETIC_ID", "UNIT", "Context", "Format", "GroupHook",
           "SourceHook", "Transform", "locations", "table_frame"]  # fmt: skip


@dataclass
class Context:
    """What a transform or a hook may need besides the rows."""

    file_name: str
    sha256: str
    places: Places
    recommendations: dict[str, tuple[str, ...]] = field(default_factory=dict)  # rec_id -> countries
    meta: dict[str, str] = field(default_factory=dict)  # from a form's hidden sheet
    country: str | None = None  # the importer is this country's focal point: other countries' rows are rejected


#: ``transform(batch, ctx)``: validate a batch (rejecting rows through ``batch.reject`` and the
#: ``batch`` checkers) and return a frame with the batch's index.  Without a ``group`` hook the
#: frame has exactly the target table's columns except ``import_id`` (:func:`table_frame`).
Transform = Callable[[Batch, Context], pd.DataFrame]

#: ``group(frame, ctx) -> (records, errors)``.  ``frame`` is every batch's ``transform`` output
#: concatenated, with ``_row`` (the file row) and ``_bad`` (the row was rejected) added.
#: ``records`` has the target table's columns, ``_row`` (the record's row, e.g. its first) and
#: ``_members`` (list of every row it was made from); ``errors`` has ``row``, ``column``,
#: ``value``, ``reason`` for the valid rows that cannot form a record.
GroupHook = Callable[[pd.DataFrame, Context], tuple[pd.DataFrame, pd.DataFrame]]

#: ``check_source(source, ctx)``: raise :class:`~gloact_lib.imports.readers.ReadError` to refuse
#: the whole file (the database is unchanged); return None to read its rows.
SourceHook = Callable[[Source, Context], None]


@dataclass(frozen=True)
class Format:
    """How one kind of file is read into one table.

    Attributes
    ----------
    name : str
        What ``--format`` accepts and ``imports.format`` records.
    table : str
        The target table (:data:`gloact_lib.data.schema.TABLES`).
    signature : frozenset of str
        Lower-case header names that identify the format when ``--format auto``: the
        format whose whole signature is in the header wins, the largest signature first.
    required : tuple of str
        Columns the file must have (else it is refused before any row is read).  Every
        other column the transform reads is optional.
    transform : Transform
        Batch -> the table's columns (or, with ``group``, the rows to group).
    aliases : mapping of str to str
        Other spellings of a column (file name -> canonical name).  Every format's
        aliases apply to every file, before the format is chosen.
    group : GroupHook, optional
        Rows are grouped into records once the whole file is read (:data:`GroupHook`).
    check_source : SourceHook, optional
        Refuse the file before any row is read (:data:`SourceHook`).
    synthetic_ids : bool
        The file has no ids of its own (one row per victim or incident): the pipeline gives each
        stored row the id ``<format>:<import id>:<row>``, whatever ``transform`` put there.
    content_ids : bool
        The ids identify what a row says (the file gave them): they are part of the row's
        ``content_key`` (:mod:`gloact_lib.data.derived`).  False for ids made from the file's
        bytes or row numbers, which change when the same data is saved again.
    """

    name: str
    table: str
    signature: frozenset[str]
    required: tuple[str, ...]
    transform: Transform
    aliases: Mapping[str, str] = field(default_factory=dict)
    group: GroupHook | None = None
    check_source: SourceHook | None = None
    synthetic_ids: bool = False
    content_ids: bool = True


def table_frame(table: str, data: dict, index) -> pd.DataFrame:
    """A frame with exactly the table's columns (``import_id`` is filled later).

    Parameters
    ----------
    table : str
        A table of :data:`gloact_lib.data.schema.TABLES`.
    data : dict
        Column name -> values (a series, a list or a scalar); a column left out is None.
    index : pandas.Index
        The batch's index.

    Returns
    -------
    DataFrame
    """
    cols = [c for c in TABLES[table].column_names if c != "import_id"]
    return pd.DataFrame({c: data.get(c) for c in cols}, index=index)[cols]


def locations(b: Batch, column: str, ctx: Context, end: bool = False) -> tuple[pd.Series, pd.Series]:
    """Place ids and their countries for a column of place names or countries.

    With ``end`` (a journey's origin or destination) an unknown end is accepted: empty,
    ``unknown``, ``N/A``, ``OOO``... give ``XXX`` (:func:`gloact_lib.data.countries.resolve_end`).
    """
    ids, countries = b.map_unique(column, lambda v: resolve_location(v, ctx.places, end), not end, parts=2)
    if end:
        ids, countries = ids.fillna(UNKNOWN), countries.fillna(UNKNOWN)
    return ids, countries


#: Ids the pipeline gives rows without ids of their own (``Format.synthetic_ids``): ``<format>:<import>:<row>``.
#: A file may not use this form itself (it could take an id the workbook gives later).
SYNTHETIC_ID = r"^(ctdc|incidents):\d+:\d+$"


# -- vocabularies shared by the journey formats (file text -> stored value) ----------------------

CRIME = {"trafficking": "trafficking", "tip": "trafficking", "traite": "trafficking",
         "traite des personnes": "trafficking", "trafficking in persons": "trafficking",
         "smuggling": "smuggling", "som": "smuggling", "trafic illicite de migrants": "smuggling",
         "smuggling of migrants": "smuggling"}  # fmt: skip
SEX = {"female": "female", "f": "female", "woman": "female", "girl": "female", "femme": "female",
       "féminin": "female", "feminin": "female", "male": "male", "m": "male", "man": "male",
       "boy": "male", "homme": "male", "masculin": "male", "other": "other", "autre": "other",
       "transgender/nonconforming": "other", "trans/transgender/nonconforming": "other",
       "unknown": "unknown", "inconnu": "unknown"}  # fmt: skip
AGE = {"child": "child", "minor": "child", "enfant": "child", "mineur": "child", "adult": "adult",
       "adulte": "adult", "unknown": "unknown", "inconnu": "unknown"}  # fmt: skip
EXPLOITATION = {e: e for e in EXPLOITATIONS}
EXPLOITATION.update({"sexual exploitation": "sexual", "forced labour": "forced_labour",
                     "forced labor": "forced_labour", "domestic work": "domestic_work",
                     "forced criminality": "forced_criminality", "forced marriage": "forced_marriage",
                     "organ removal": "organ_removal"})  # fmt: skip
UNIT = {"persons": "persons", "detections": "detections"}
