package test.env

deny contains opa.runtime().env.GAMEPOT_API_KEY
