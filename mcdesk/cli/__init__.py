"""The ``mcdesk`` command line: one module per audience, one ``main`` (mcdesk.cli.main).

Handlers parse, call one core function and print; they never run SQL. Only this
package prints. Heavy imports stay inside the handlers so ``mcdesk --help`` is quick.
"""
