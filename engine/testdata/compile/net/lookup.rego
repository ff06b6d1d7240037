package test.net

deny contains ip if {
	some ip in net.lookup_ip_addr("example.com")
}

warn contains "inside" if {
	net.cidr_contains("10.0.0.0/8", "10.1.2.3")
}
