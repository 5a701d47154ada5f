"""Evidence: what the account says about a failure, read after it (``gather``) or
before acting (the deploy's preflight). The reads are thin typed adapters over the one
call path (``services.py`` and one module per service); what each reason code gets is
pure data (``catalogue.py``); what was found is pure data too (``model.py``)."""
