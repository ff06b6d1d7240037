package test.plain_strings

# Two plain messages have no subject, record id or key: one id.
deny := ["second", "first"]
