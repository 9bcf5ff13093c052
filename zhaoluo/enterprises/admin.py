"""The enterprise registry is kept through its pages, API and ledger import (audited services),
so it is not registered in the admin."""
