"""The doctor: find out, without trading or moving money, why a bot's Kraken key fails.

Each module does one step of the guide's troubleshooting (credentials, hygiene, reachability,
authentication, permissions, danger, verdict) as `run(context) -> findings` over the shared
`context`; `check.run_check` runs them in that order and `report` renders the result. The
doctor knows Kraken only through the catalog and a URL: it never imports the mock, so what it
reports against the mock it reports against Kraken.
"""
