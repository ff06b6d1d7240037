package test.http

deny contains resp.body if {
	resp := http.send({"method": "GET", "url": "https://example.com"})
}
