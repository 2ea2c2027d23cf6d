//! Turning published records into programs: jGrants, J-Net21 and madoguchi's own format.
