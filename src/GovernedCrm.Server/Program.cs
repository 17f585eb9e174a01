using GovernedCrm.Server.Cli;

return await GovernedCrmCommand.RunAsync(args).ConfigureAwait(false);
