package test.lib_test

import data.test.lib

# Never compiled by the engine: a _test.rego calling http.send would fail.
test_name if {
	lib.name({"name": "a"}) == "a"
	http.send({"method": "GET", "url": "http://127.0.0.1:1"})
}
