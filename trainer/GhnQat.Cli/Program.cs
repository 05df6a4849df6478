// Entry point of the ghnqat command-line app.
return GhnQat.Cli.CliApp.Run(args);
