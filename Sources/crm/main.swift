import CRMCore
print("crm")
