"""Every write to the register: `do_*` functions, one transaction each, in one module per topic."""
