// PolicyLang module.
