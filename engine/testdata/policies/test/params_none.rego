package test.params_none

# No METADATA: no defaults, only the check's own params.
deny contains {"msg": "params", "params": input.params}
