package fetch

// SetPageSize makes c ask for n records per page, so that tests can page
// through few records or provoke the server's bound on per_page.
func SetPageSize(c *Client, n int) { c.perPage = n }
