package sandbox

import (
	"slices"
	"strconv"
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
// <resource> is "linkings", "memberblock" or "members".
var CountShapes = []string{"number", "count", "totalCount", "data", "result"}

// defaultCountShape is each list endpoint's shape when Options.CountShape is
// "". They differ on purpose, so that the quick start and every test that
// counts exercise more than one shape.
var defaultCountShape = map[string]string{
	"linkings":     "count",      // GAMEPOT 3.0: undocumented
	"memberblock":  "totalCount", // GAMEPOT 3.0: undocumented
	"chat_members": "data",       // Ncloud Chat's documented example
}

// countResource names a dataset inside the "data" shape.
var countResource = map[string]string{
	"linkings":     "linkings",
	"memberblock":  "memberblock",
	"chat_members": "members",
}

func validCountShape(shape string) bool { return slices.Contains(CountShapes, shape) }

// countShapes gives the shape of each list dataset, forced or default.
func countShapes(forced string) map[string]string {
	shapes := make(map[string]string, len(defaultCountShape))
	for name, shape := range defaultCountShape {
		if forced != "" {
			shape = forced
		}
		shapes[name] = shape
	}
	return shapes
}

// countBody is the answer to a count request in shape.
func countBody(shape, datasetName string, n int) []byte {
	num := strconv.Itoa(n)
	switch shape {
	case "number":
		return []byte(num)
	case "totalCount":
		return []byte(`{"totalCount":` + num + `}`)
	case "data":
		return []byte(`{"data":{"` + countResource[datasetName] + `":{"totalCount":` + num + `}}}`)
	case "result":
		return []byte(`{"status":1,"result":{"totalCount":` + num + `}}`)
	}
	return []byte(`{"count":` + num + `}`)
}
