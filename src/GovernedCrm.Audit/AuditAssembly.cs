namespace GovernedCrm.Audit; internal static class AuditAssembly { }
