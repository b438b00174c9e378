this is not read by import-tree
