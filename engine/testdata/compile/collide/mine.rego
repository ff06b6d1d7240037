# My own version of a built-in policy.
package gamepot.blocks.max_duration

deny contains "mine"
