print("dashboard benchmarks")
