package test.array

# deny may be an array; its order is not kept, findings are sorted.
deny := ["second", "first"]
