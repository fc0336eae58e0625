"""Keywork: keyworker relationships made visible, supported and kept safe."""
