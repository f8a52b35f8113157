import CoordbenchKit

// The coordbench command: the library's command line with the built-in families.
Coordbench.main()
