# Stand-in for numpy (not installable here): the generator only seeds it and never draws from it.
class random:
    @staticmethod
    def seed(value):
        pass
