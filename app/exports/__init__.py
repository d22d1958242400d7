"""Report renderings: JSON, print HTML, Word and PDF, each made from app.services.report_model.ReportModel."""
