"""One module per outlet template era. Which outlet uses which, in what order, is said by
the outlet's declaration in ``crawler/pages/outlets/``; importing this package does nothing."""
