package test.same_id

# Two findings about one record: without a key they share an id.
deny contains {"msg": "one", "subject": "P1", "record_id": "B1"}

deny contains {"msg": "two", "subject": "P1", "record_id": "B1"} if not input.params.keyed

deny contains {"msg": "two", "subject": "P1", "record_id": "B1", "key": "second"} if input.params.keyed

# A warning may share a deny finding's id.
warn contains {"msg": "a warning about the same record", "subject": "P1", "record_id": "B1"}
