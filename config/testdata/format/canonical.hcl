locals {
  team = "trust"
}
