// The CLI entry point; filled in by the CLI work.
print("chargemux")
