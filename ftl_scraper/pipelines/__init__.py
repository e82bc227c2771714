"""Item pipelines: parse the pages a spider fetched, validate them and fold them into one bundle."""
