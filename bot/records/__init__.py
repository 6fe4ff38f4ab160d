"""Records (台账资料): the ledger workbook, the yearly review, the circular as a document
and a chart, and backups. Pure builders take `YearData` (see `data.py`); only
`data.py`, `publish.py` and `cli.py` touch the database.
"""
