//! Importer for J-Net21.
