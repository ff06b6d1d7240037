package test.malformed.warn

warn contains ["an", "array"]
