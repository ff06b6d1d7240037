package test.lib

# A library: no deny, no warn, so no check can name it.
name(member) := member.name if member.name != ""

name(member) := "(no name)" if member.name == ""
