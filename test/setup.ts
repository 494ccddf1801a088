// Runs before @sap/cds is loaded.
// cds only picks up .ts service implementations when CDS_TYPESCRIPT is set; the test profile gives an
// in-memory database and no development simulator on a fixed port (each test starts its own).
process.env.CDS_TYPESCRIPT = 'true'
process.env.CDS_ENV ??= 'test'
