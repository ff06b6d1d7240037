package test.array

# deny may be an array; its order is not kept, findings are sorted. The keys
# tell the two apart, and are not kept in the details.
deny := [{"msg": "second", "key": "2"}, {"msg": "first", "key": "1"}]
