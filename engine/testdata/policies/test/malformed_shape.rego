package test.malformed.shape

deny := {"msg": "an object, not a set"}
