package test.warn_only

warn contains "only a warning"
