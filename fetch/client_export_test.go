package fetch

// SetPageSize makes c ask for n records per page, so that tests can page
// through few records or provoke the server's bound on per_page. Pages
// overlap by one record, so n must be at least 2.
func SetPageSize(c *Client, n int) {
	if n < 2 {
		panic("SetPageSize: pages overlap by one record; n must be at least 2")
	}
	c.perPage = n
}
