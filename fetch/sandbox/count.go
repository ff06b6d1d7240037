package sandbox

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/gpaudit/gpaudit/dataset"
)

// CountShapes are the count answer shapes the sandbox can give, the ones
// seen in NAVER's documentation (API.md, "The count answer"):
//
//	number      42
//	count       {"count":42}
//	totalCount  {"totalCount":42}
//	data        {"data":{"<resource>":{"totalCount":42}}}
//	result      {"status":1,"result":{"totalCount":42}}
//
// <resource> is the dataset's dataset.Info.CountResource. Each list
// endpoint answers in its dataset's dataset.Info.CountShape unless
// Options.CountShape forces one.
var CountShapes = []string{"number", "count", "totalCount", "data", "result"}

func validCountShape(shape string) bool { return slices.Contains(CountShapes, shape) }

// countShapes gives the shape of each list dataset, forced or default.
func countShapes(forced string) map[string]string {
	shapes := map[string]string{}
	for _, d := range dataset.All() {
		if d.List() {
			shapes[d.Name] = cmp.Or(forced, d.CountShape)
		}
	}
	return shapes
}

// countBody is the answer to a count request about d in shape.
func countBody(shape string, d dataset.Info, n int) []byte {
	num := strconv.Itoa(n)
	switch shape {
	case "number":
		return []byte(num)
	case "totalCount":
		return []byte(`{"totalCount":` + num + `}`)
	case "data":
		return []byte(`{"data":{"` + d.CountResource + `":{"totalCount":` + num + `}}}`)
	case "result":
		return []byte(`{"status":1,"result":{"totalCount":` + num + `}}`)
	}
	return []byte(`{"count":` + num + `}`)
}
