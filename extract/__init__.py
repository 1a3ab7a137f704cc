"""Pure extraction: article HTML or text in, event records out.

No database, no network, no global state beyond vocabularies loaded once from
``extract/data``. The crawler, the CLI and the knowledge base all call
:func:`extract.pipeline.extract_record`.
"""
